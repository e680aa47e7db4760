package dev.statestore.internal.journal;

import dev.statestore.CorruptStoreException;
import dev.statestore.internal.platform.FileModes;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot of a store's map consistent with one journal sequence: with it, replaying only the
 * journal after that sequence reproduces the map, so older journal cycles may be deleted.
 * Written to {@code <store>/checkpoints/<sequence>.ckpt} (temporary file, fsync, atomic rename).
 *
 * <pre>
 *  0        8        12       16          24        32          40
 *  +--------+--------+--------+-----------+---------+-----------+------------------------------+--------+
 *  | magic  | format | rsvd   | sequence  | entries | created   | entries: i32 key length, key,| CRC32  |
 *  |        | = 1    |        | (-1: none)|         | millis    | i32 value length, value ...  | (i64)  |
 *  +--------+--------+--------+-----------+---------+-----------+------------------------------+--------+
 * </pre>
 * Big-endian (DataOutputStream). The CRC covers everything before it; a file whose CRC does not
 * match is ignored as torn.
 */
public final class Checkpoint {
    public static final String DIR_NAME = "checkpoints";
    static final String SUFFIX = ".ckpt";
    static final long MAGIC = 0x5353434b50543031L; // "SSCKPT01"
    static final int FORMAT = 1;
    private static final int KEEP = 2;

    private final Path file;
    private final long sequence;
    private final long entries;

    private Checkpoint(Path file, long sequence, long entries) {
        this.file = file;
        this.sequence = sequence;
        this.entries = entries;
    }

    public long sequence() {
        return sequence;
    }

    public long entries() {
        return entries;
    }

    public Path file() {
        return file;
    }

    /** Source of the entries to write: calls the consumer with each encoded key and value. */
    public interface Entries {
        void forEach(BiConsumer<byte[], byte[]> consumer);
    }

    /**
     * Writes a checkpoint at {@code sequence}; the caller guarantees {@code entries} is the map as of
     * that sequence (it holds every stripe of the store). Keeps the newest two checkpoints.
     */
    public static Checkpoint write(Path storeDir, long sequence, Entries entries, FileModes modes) throws IOException {
        Path dir = storeDir.resolve(DIR_NAME);
        modes.createDirectories(dir);
        Path tmp = dir.resolve(sequence + SUFFIX + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        long[] count = {0};
        Path counted = dir.resolve(sequence + SUFFIX + ".body");
        Files.deleteIfExists(counted);
        // entries first, to learn their number; then the header and the entries with one CRC
        modes.createFile(counted);
        try (DataOutputStream body = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(counted)))) {
            entries.forEach((k, v) -> {
                try {
                    body.writeInt(k.length);
                    body.write(k);
                    body.writeInt(v.length);
                    body.write(v);
                    count[0]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        CRC32 crc = new CRC32();
        try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING);
             CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw), crc);
             DataOutputStream out = new DataOutputStream(checked);
             InputStream body = Files.newInputStream(counted)) {
            out.writeLong(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(0);
            out.writeLong(sequence);
            out.writeLong(count[0]);
            out.writeLong(System.currentTimeMillis());
            body.transferTo(out);
            out.flush();
            new DataOutputStream(raw).writeLong(crc.getValue());
        } finally {
            Files.deleteIfExists(counted);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Path file = dir.resolve(sequence + SUFFIX);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        prune(dir);
        return new Checkpoint(file, sequence, count[0]);
    }

    private static void prune(Path dir) throws IOException {
        List<Path> all = list(dir);
        for (int i = 0; i < all.size() - KEEP; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /** Checkpoint files, oldest first. */
    private static List<Path> list(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            s.forEach(files::add);
        }
        files.sort(Comparator.comparingLong(Checkpoint::sequenceOf));
        return files;
    }

    private static long sequenceOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The newest checkpoint whose CRC is sound, or null when there is none. */
    /**
     * Sets aside (renames with a {@code .stale-<time>} suffix) every checkpoint past
     * {@code lastSequence}, the journal's last: such a checkpoint describes journal events the
     * journal no longer has (its files were lost), so it is no starting point for replaying it.
     *
     * @return the files set aside
     */
    public static List<Path> setAsideBeyond(Path storeDir, long lastSequence) throws IOException {
        List<Path> aside = new ArrayList<>();
        for (Path file : list(storeDir.resolve(DIR_NAME))) {
            if (sequenceOf(file) > lastSequence) {
                Path target = file.resolveSibling(file.getFileName() + ".stale-" + System.currentTimeMillis());
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                aside.add(target);
            }
        }
        return aside;
    }

    public static Checkpoint latest(Path storeDir) throws IOException {
        List<Path> files = list(storeDir.resolve(DIR_NAME));
        for (int i = files.size() - 1; i >= 0; i--) {
            Checkpoint c = check(files.get(i));
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static Checkpoint check(Path file) {
        try {
            long[] header = new long[2];
            boolean sound = read(file, header, (k, v) -> { });
            return sound ? new Checkpoint(file, header[0], header[1]) : null;
        } catch (IOException | CorruptStoreException e) {
            return null;
        }
    }

    /** Reads the entries into {@code state} (encoded key to encoded value). */
    public void load(Map<ByteBuffer, byte[]> state) throws IOException {
        if (!read(file, new long[2], (k, v) -> state.put(ByteBuffer.wrap(k), v))) {
            throw new CorruptStoreException("checkpoint " + file + " is torn (CRC mismatch): delete it; the one before"
                    + " it, or the journal, is used instead");
        }
    }

    /** Calls {@code consumer} with each entry. */
    public void forEach(BiConsumer<byte[], byte[]> consumer) throws IOException {
        if (!read(file, new long[2], consumer)) {
            throw new CorruptStoreException("checkpoint " + file + " is torn (CRC mismatch)");
        }
    }

    /** Checks the CRC, then hands out the header (sequence, entries) and each entry; false for a torn file. */
    private static boolean read(Path file, long[] header, BiConsumer<byte[], byte[]> consumer) throws IOException {
        long size = Files.size(file);
        if (size < 48) {
            return false;
        }
        CRC32 crc = new CRC32();
        long stored;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            new CheckedInputStream(new LimitedInputStream(raw, size - 8), crc).transferTo(OutputStream.nullOutputStream());
            stored = new DataInputStream(raw).readLong();
        }
        if (stored != crc.getValue()) {
            return false;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readLong() != MAGIC || in.readInt() != FORMAT) {
                return false;
            }
            in.readInt();
            header[0] = in.readLong();
            header[1] = in.readLong();
            in.readLong();
            for (long i = 0; i < header[1]; i++) {
                byte[] k = new byte[in.readInt()];
                in.readFully(k);
                byte[] v = new byte[in.readInt()];
                in.readFully(v);
                consumer.accept(k, v);
            }
        } catch (EOFException e) {
            return false;
        }
        return true;
    }

    /** An input stream that ends after {@code limit} bytes. */
    private static final class LimitedInputStream extends java.io.FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
