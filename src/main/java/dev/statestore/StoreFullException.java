package dev.statestore;

/**
 * The store cannot take more entries or bytes: raise its capacity (MapOptions.entries /
 * averageValueSize, or the config keys) or free disk space.
 */
public class StoreFullException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message) {
        super(message);
    }

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
