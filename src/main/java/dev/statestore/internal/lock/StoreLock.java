package dev.statestore.internal.lock;

import dev.statestore.internal.platform.FileModes;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the creation and attachment of one store across threads and processes: an OS file
 * lock on {@code <store>/.lock} (which the kernel releases when a process dies, so a crashed
 * opener never blocks the next) plus a JVM-wide lock, because file locks are held per process.
 */
public final class StoreLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StoreLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    public static StoreLock acquire(Path storeDir, FileModes modes) throws IOException {
        Path file = storeDir.resolve(FILE_NAME).toAbsolutePath().normalize();
        modes.createFile(file);
        ReentrantLock jvmLock = IN_JVM.computeIfAbsent(file, f -> new ReentrantLock());
        jvmLock.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new StoreLock(jvmLock, channel, channel.lock());
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            jvmLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            jvmLock.unlock();
        }
    }
}
