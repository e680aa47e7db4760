package dev.statestore.internal.chronicle;

import net.openhft.chronicle.hash.impl.util.jna.PosixFallocate;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * Reserves disk blocks for a file ahead of writes through a memory mapping: a write into a sparse
 * mapped page that the file system cannot back (a full disk) is a SIGBUS, which the JVM turns into
 * an {@link InternalError} at some later instruction; a reservation that fails is an ordinary
 * {@link IOException} before anything is written. Uses Chronicle Map's own {@code fallocate}
 * binding (the one it reserves its tiers with).
 */
public final class FileSpace {
    /** A fault point for tests: {@code -Dstatestore.faults.reserveFails=true} makes every reservation fail as a full disk. */
    private static final boolean FAIL = Boolean.getBoolean("statestore.faults.reserveFails");

    private FileSpace() {
    }

    /**
     * Allocates the blocks of {@code file} from {@code offset} for {@code length} bytes (growing
     * the file if it is shorter), as {@code posix_fallocate} does.
     *
     * @throws IOException when the file system has not the space (or cannot reserve it)
     */
    public static void reserve(Path file, long offset, long length) throws IOException {
        if (FAIL) {
            throw new IOException("posix_fallocate() returned 28 (ENOSPC, by the fault point statestore.faults.reserveFails)");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            PosixFallocate.fallocate(raf.getFD(), offset, length);
        }
    }
}
