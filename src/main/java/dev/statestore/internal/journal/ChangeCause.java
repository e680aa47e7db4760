package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent.Origin;
import dev.statestore.ChangeType;

import java.util.function.Supplier;

/**
 * Why the current thread is changing entries, for the journal: a removal is a plain remove unless
 * the caller (clear, the TTL sweeper, eviction) says otherwise around the call; a change is made on
 * this host unless the replication applier says it came from another ({@link #replicating}), in
 * which case its journal event carries that origin (EventLayout version 2, flag {@code ORIGIN}).
 * Thread-locals because the journal is written from inside Chronicle Map's entry operations, which
 * the map's callers cannot hand a context to.
 */
public final class ChangeCause {
    private static final ThreadLocal<ChangeType> REMOVAL = new ThreadLocal<>();
    private static final ThreadLocal<Origin> ORIGIN = new ThreadLocal<>();

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

    /**
     * Runs {@code action} with the changes it makes journaled as replicated from {@code origin}:
     * subscribers see {@link dev.statestore.ChangeEvent#origin()}, and the replication shipper does
     * not ship them again.
     */
    public static <T> T replicating(Origin origin, Supplier<T> action) {
        Origin previous = ORIGIN.get();
        ORIGIN.set(java.util.Objects.requireNonNull(origin, "origin"));
        try {
            return action.get();
        } finally {
            ORIGIN.set(previous); // not remove(): the applier calls this per change, and each remove left a stale entry
        }
    }

    /** The origin of the changes the current thread makes, or null for changes made on this host. */
    static Origin origin() {
        return ORIGIN.get();
    }
}
