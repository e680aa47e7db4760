package dev.statestore.internal.lock;

import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.near.VersionTable;
import net.openhft.chronicle.hash.Data;

/**
 * The one place where a change of an entry bumps its key's version (see {@link VersionTable}).
 * Every store's Chronicle entry operations call {@link #beforeChange} first in each insert, replace
 * and remove, whichever API path made it (put, compute, atomically, clear, the sweeper's expiries,
 * eviction, crash repair's replays, the replication applier's puts), under the key's segment lock,
 * which only the holder of the segment's stripe takes. So a path added later that changes entries
 * through Chronicle bumps without knowing it has to.
 */
public final class VersionBumps {
    /** Attached once the store's tables are open, before any change (crash repair comes after). */
    private volatile VersionTable versions;

    public void attach(VersionTable table) {
        this.versions = table;
    }

    /**
     * Bumps the version of {@code key}, about to change in the Chronicle context {@code context} (a
     * query context or a segment context's iteration). The key's hash is the query context's own,
     * else computed from the key's bytes (as Chronicle computes it: the same hash).
     */
    public void beforeChange(Object context, Data<?> key) {
        VersionTable table = versions;
        if (table == null) {
            return; // a map being built or compacted: no process has a near copy of it
        }
        table.bump(ChronicleMapInternals.keyHash(context, key));
    }
}
