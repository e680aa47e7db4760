package dev.statestore;

/**
 * A store that must already exist does not.
 */
public class StoreNotFoundException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public StoreNotFoundException(String message) {
        super(message);
    }

    public StoreNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
