package dev.statestore;

/**
 * Base of every error statestore reports. Messages name the store involved and say what to do.
 */
public class StateStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
