package dev.statestore;

/**
 * A store was reattached with key or value types (or codecs) other than those it was created with.
 */
public class TypeMismatchException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public TypeMismatchException(String message) {
        super(message);
    }

    public TypeMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
