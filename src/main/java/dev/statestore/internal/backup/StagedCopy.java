package dev.statestore.internal.backup;

import dev.statestore.internal.platform.FileModes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of files in two steps, so that writers wait for the first only. {@link #take} runs while
 * the store is frozen: it maps each file (its pages are in the page cache every process shares)
 * and copies its non-zero blocks into a staging array allocated beforehand, a memory-speed copy.
 * {@link #writeOut} runs after the freeze and writes them into the copies, which is several times
 * slower (new page-cache pages, file-system bookkeeping). Zero blocks become holes, as in
 * {@link SparseCopy}. What does not fit in the staging array is written to its copy at once: the
 * pause then grows with it.
 */
final class StagedCopy implements AutoCloseable {
    /** Holes are found in blocks of 64 KiB: few checks (a cold JVM runs them interpreted), and Chronicle's holes are megabytes. */
    private static final int BLOCK = 64 << 10;
    private static final int WINDOW = 1 << 28;
    private static final long MAX_STAGING = 1L << 30;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK);

    private final byte[] staging;
    private int used;
    private final List<Target> targets = new ArrayList<>();

    /** A run of bytes staged for {@code position} of a copy. */
    private record Run(long position, int offset, int length) {
    }

    private static final class Target {
        final FileChannel out;
        final long size;
        final List<Run> runs = new ArrayList<>();

        Target(FileChannel out, long size) {
            this.out = out;
            this.size = size;
        }
    }

    /** @param bytes the staging size wanted; capped at a quarter of the heap and 1 GiB */
    StagedCopy(long bytes) {
        long cap = Math.min(MAX_STAGING, Runtime.getRuntime().maxMemory() / 4);
        byte[] array;
        try {
            array = new byte[(int) Math.max(0, Math.min(bytes, cap))];
        } catch (OutOfMemoryError e) {
            array = new byte[0]; // no staging: every block is written during the freeze
        }
        this.staging = array;
    }

    /**
     * Copies the non-zero blocks of {@code from} into the staging array, or, past its end, into
     * the new file {@code to} (created now, with the file mode of {@code modes}).
     *
     * @return the bytes the copy will hold (its length less its holes)
     */
    long take(Path from, Path to, FileModes modes) throws IOException {
        if (!modes.createFile(to)) {
            throw new IOException(to + " already exists");
        }
        long bytes = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
            Target target = new Target(FileChannel.open(to, StandardOpenOption.WRITE), in.size());
            targets.add(target);
            for (long base = 0; base < target.size; base += WINDOW) {
                int length = (int) Math.min(WINDOW, target.size - base);
                MappedByteBuffer window = in.map(FileChannel.MapMode.READ_ONLY, base, length);
                int runStart = -1;
                for (int off = 0; off < length; off += BLOCK) {
                    int len = Math.min(BLOCK, length - off);
                    boolean zero = window.slice(off, len).mismatch(ZEROS.slice(0, len)) < 0;
                    if (!zero && runStart < 0) {
                        runStart = off;
                    } else if (zero && runStart >= 0) {
                        bytes += keep(target, window, runStart, off - runStart, base);
                        runStart = -1;
                    }
                }
                if (runStart >= 0) {
                    bytes += keep(target, window, runStart, length - runStart, base);
                }
            }
        }
        return bytes;
    }

    private long keep(Target target, ByteBuffer window, int from, int length, long base) throws IOException {
        int staged = Math.min(length, staging.length - used);
        if (staged > 0) {
            window.get(from, staging, used, staged);
            target.runs.add(new Run(base + from, used, staged));
            used += staged;
        }
        if (staged < length) {
            writeFully(target.out, window.slice(from + staged, length - staged), base + from + staged);
        }
        return length;
    }

    /** Writes the staged runs into the copies and gives each copy its full length. */
    void writeOut() throws IOException {
        for (Target t : targets) {
            for (Run r : t.runs) {
                writeFully(t.out, ByteBuffer.wrap(staging, r.offset(), r.length()), r.position());
            }
            if (t.out.size() < t.size) { // ends in a hole
                t.out.write(ByteBuffer.allocate(1), t.size - 1);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer src, long position) throws IOException {
        while (src.hasRemaining()) {
            position += out.write(src, position);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Target t : targets) {
            try {
                t.out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
