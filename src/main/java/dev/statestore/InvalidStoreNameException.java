package dev.statestore;

/**
 * A store name does not match {@code [a-z0-9][a-z0-9._-]{0,63}}.
 */
public class InvalidStoreNameException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public InvalidStoreNameException(String message) {
        super(message);
    }

    public InvalidStoreNameException(String message, Throwable cause) {
        super(message, cause);
    }
}
