package dev.statestore.internal.journal;

import dev.statestore.ChangeType;

/**
 * Why the current thread is removing entries, for the journal: a plain remove unless the caller
 * (clear, the TTL sweeper, eviction) says otherwise around the call.
 */
public final class ChangeCause {
    private static final ThreadLocal<ChangeType> REMOVAL = new ThreadLocal<>();

    private ChangeCause() {
    }

    /** Runs {@code action} with removals recorded as {@code type}. */
    public static void removingAs(ChangeType type, Runnable action) {
        ChangeType previous = REMOVAL.get();
        REMOVAL.set(type);
        try {
            action.run();
        } finally {
            REMOVAL.set(previous);
        }
    }

    static ChangeType removal() {
        ChangeType t = REMOVAL.get();
        return t != null ? t : ChangeType.REMOVE;
    }
}
