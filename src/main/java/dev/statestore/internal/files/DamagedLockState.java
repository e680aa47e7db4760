package dev.statestore.internal.files;

import dev.statestore.CorruptStoreException;

import java.nio.file.Path;

/**
 * A store file that holds only lock state (the process table, the stripe table) is damaged. Nothing
 * acknowledged is in it: with no process attached, {@code recover} sets it aside and the next open
 * makes it again.
 */
public final class DamagedLockState extends CorruptStoreException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param what what is wrong, starting with the store's name
     * @param holds what the file holds, e.g. "who is attached"
     */
    public DamagedLockState(String store, Path file, String what, String holds) {
        super(what + ": it holds only lock state (" + holds + "), nothing acknowledged; with no process using store '"
                + store + "' ('statestore ls' shows them), run 'statestore recover " + store + "', which sets " + file
                + " aside and makes it again");
        this.file = file;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }
}
