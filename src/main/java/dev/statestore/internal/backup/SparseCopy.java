package dev.statestore.internal.backup;

import dev.statestore.internal.platform.FileModes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies a file without writing its runs of zero blocks: Chronicle preallocates its files (a
 * journal cycle file is 80 MiB from its first event), and the unused part is holes or zeros, which
 * the copy leaves as holes. The copy has the same length and reads the same bytes as the original.
 */
final class SparseCopy {
    static final int BLOCK = 4096;
    private static final int WINDOW = 1 << 28;
    private static final int CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK);

    private SparseCopy() {
    }

    /**
     * Copies {@code from} to the new file {@code to} (created with the file mode of {@code modes}).
     * The source is mapped, not read: its blocks are checked in place and only the non-zero runs
     * are written, so the bytes cross into this process's memory once, for the zero check.
     *
     * @return the bytes actually written (the length of the copy less its holes)
     */
    static long copy(Path from, Path to, FileModes modes) throws IOException {
        if (!modes.createFile(to)) {
            throw new IOException(to + " already exists");
        }
        long written = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long base = 0; base < size; base += WINDOW) {
                int length = (int) Math.min(WINDOW, size - base);
                MappedByteBuffer window = in.map(FileChannel.MapMode.READ_ONLY, base, length);
                written += writeNonZeroRuns(window, length, out, base);
            }
            if (out.size() < size) { // ended in a hole: give the copy its full length
                out.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return written;
    }

    /** Writes the runs of {@code window[0..n)} that are not all-zero blocks, at {@code base + offset}. */
    private static long writeNonZeroRuns(ByteBuffer window, int n, FileChannel out, long base) throws IOException {
        long written = 0;
        int runStart = -1;
        for (int off = 0; off < n; off += BLOCK) {
            int len = Math.min(BLOCK, n - off);
            boolean zero = window.slice(off, len).mismatch(ZEROS.slice(0, len)) < 0;
            if (!zero && runStart < 0) {
                runStart = off;
            } else if (zero && runStart >= 0) {
                written += writeFully(out, window.slice(runStart, off - runStart), base + runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            written += writeFully(out, window.slice(runStart, n - runStart), base + runStart);
        }
        return written;
    }

    private static int writeFully(FileChannel out, ByteBuffer src, long position) throws IOException {
        int total = src.remaining();
        while (src.hasRemaining()) {
            position += out.write(src, position);
        }
        return total;
    }

    /** Forces a file's content to the disk. */
    static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a directory's entries to the disk, where the file system can. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory
        }
    }

    /** The SHA-256 of a file's content, in hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
