package dev.statestore.internal.backup;

import dev.statestore.StateStoreException;

/** A backup or restore refused because of what it was given: a target that exists, a directory that is not a backup. */
public final class BackupRefusedException extends StateStoreException {
    private static final long serialVersionUID = 1L;

    public BackupRefusedException(String message) {
        super(message);
    }

    public BackupRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
