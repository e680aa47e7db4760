package dev.statestore;

/**
 * A store's file is missing, truncated, of a foreign format or otherwise unreadable.
 */
public class CorruptStoreException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public CorruptStoreException(String message) {
        super(message);
    }

    public CorruptStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
