package dev.statestore.internal.journal;

import dev.statestore.CorruptStoreException;
import dev.statestore.StateStoreException;
import dev.statestore.internal.platform.FileModes;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a named subscription stands: the sequence of the last event it delivered, in a small
 * mapped file {@code <store>/subscriptions/<name>.pos} written after each delivery. A store to a
 * mapped page survives the death of the process at once (the page cache is shared), so a restarted
 * subscriber resumes right after the last event it handled. One process at a time may hold a name:
 * the file is locked while the subscription runs.
 *
 * <pre>
 *  0        8          12         16                24         64
 *  +--------+----------+----------+-----------------+----------+
 *  | magic  | format   | reserved | last sequence   | reserved |
 *  |        | = 1      |          | -1: none yet    |          |
 *  +--------+----------+----------+-----------------+----------+
 * </pre>
 */
public final class NamedPosition implements AutoCloseable {
    public static final String DIR_NAME = "subscriptions";
    static final String SUFFIX = ".pos";
    static final long MAGIC = 0x00534f5053535353L; // "SSSSPOS\0" little-endian
    static final int FORMAT = 1;
    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int SIZE = 64;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer buffer;

    private NamedPosition(FileChannel channel, FileLock lock, MappedByteBuffer buffer) {
        this.channel = channel;
        this.lock = lock;
        this.buffer = buffer;
    }

    /** Takes the named position of a store for this subscription, creating it at -1 when new. */
    public static NamedPosition acquire(String store, Path storeDir, String name, FileModes modes) {
        Path dir = storeDir.resolve(DIR_NAME);
        Path file = dir.resolve(name + SUFFIX);
        FileChannel ch = null;
        try {
            modes.createDirectories(dir);
            boolean created = modes.createFile(file);
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StateStoreException("Store '" + store + "': the named subscription '" + name
                        + "' is already running in another process or in this one: close it first, or use another name");
            }
            if (created || ch.size() == 0) {
                MappedByteBuffer init = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
                init.order(ByteOrder.LITTLE_ENDIAN).putLong(SEQUENCE_OFFSET, -1L).putInt(FORMAT_OFFSET, FORMAT)
                        .putLong(MAGIC_OFFSET, MAGIC);
                init.force();
            }
            if (ch.size() < SIZE) {
                throw new CorruptStoreException("Store '" + store + "': " + file + " is truncated: delete it to"
                        + " restart subscription '" + name + "' from its initial position");
            }
            MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            if (buffer.getLong(MAGIC_OFFSET) != MAGIC || buffer.getInt(FORMAT_OFFSET) != FORMAT) {
                throw new CorruptStoreException("Store '" + store + "': " + file + " is not a subscription position"
                        + " file of this format: delete it to restart subscription '" + name + "' from its initial position");
            }
            return new NamedPosition(ch, lock, buffer);
        } catch (IOException e) {
            closeQuietly(ch, e);
            throw new StateStoreException("Store '" + store + "': cannot open " + file + " (" + e + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(ch, e);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch, Exception e) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }

    /** The last delivered sequence, or -1. */
    public long getVolatile() {
        return (long) LONGS.getVolatile(buffer, SEQUENCE_OFFSET);
    }

    /** Records a delivered sequence. */
    public void setRelease(long sequence) {
        LONGS.setRelease(buffer, SEQUENCE_OFFSET, sequence);
    }

    /** The positions of every named subscription of a store, read without taking them. */
    public static Map<String, Long> readAll(Path storeDir) throws IOException {
        Map<String, Long> positions = new LinkedHashMap<>();
        Path dir = storeDir.resolve(DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return positions;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                name = name.substring(0, name.length() - SUFFIX.length());
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    if (ch.size() < SIZE) {
                        continue;
                    }
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(b, 0);
                    if (b.getLong(MAGIC_OFFSET) == MAGIC) {
                        positions.put(name, b.getLong(SEQUENCE_OFFSET));
                    }
                }
            }
        }
        return positions;
    }

    @Override
    public void close() {
        try {
            buffer.force();
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StateStoreException("cannot close subscription position file (" + e + ")", e);
        }
    }
}
