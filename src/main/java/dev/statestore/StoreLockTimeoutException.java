package dev.statestore;

/**
 * A stripe of a store stayed locked by a live process for longer than the lock timeout: a very long
 * {@code compute} function, or a process stopped in a debugger. Locks of dead processes are taken
 * over, never timed out.
 */
public class StoreLockTimeoutException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public StoreLockTimeoutException(String message) {
        super(message);
    }
}
