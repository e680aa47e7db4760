package dev.statestore;

/**
 * The JVM was started without the flags Chronicle needs; the message lists them.
 */
public class MissingJvmFlagsException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public MissingJvmFlagsException(String message) {
        super(message);
    }

    public MissingJvmFlagsException(String message, Throwable cause) {
        super(message, cause);
    }
}
