package dev.statestore;

/**
 * A store's files were written in a format version this build cannot read.
 */
public class IncompatibleFormatException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public IncompatibleFormatException(String message) {
        super(message);
    }

    public IncompatibleFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
