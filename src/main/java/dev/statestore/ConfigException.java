package dev.statestore;

/**
 * A configuration key or value is invalid.
 */
public class ConfigException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
