package dev.statestore;

import java.nio.file.Path;

/**
 * The file system of a store's files has no room for what the operation would write: nothing of it
 * was written, everything acknowledged before is kept, and the store works again once space is
 * freed. A {@link StoreFullException}, so code that handles a full store handles this too.
 */
public class DiskFullException extends StoreFullException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final long usableBytes;

    /**
     * @param directory the directory whose file system is full
     * @param usableBytes the bytes still usable there when this was thrown, -1 when unknown
     */
    public DiskFullException(String message, Path directory, long usableBytes, Throwable cause) {
        super(message, cause);
        this.directory = directory;
        this.usableBytes = usableBytes;
    }

    /** The directory whose file system is full. */
    public Path directory() {
        return directory;
    }

    /** The bytes still usable on that file system when this was thrown, -1 when unknown. */
    public long usableBytes() {
        return usableBytes;
    }
}
