package dev.statestore.internal.lock;

import dev.statestore.internal.chronicle.ChronicleMapInternals;

/**
 * The one place where a change of an entry bumps its stripe's version (see {@link StripeTable},
 * "Versions, for near caches"). Every store's Chronicle entry operations call {@link #beforeChange}
 * first in each insert, replace and remove, whichever API path made it (put, compute, atomically,
 * clear, the sweeper's expiries, eviction, crash repair's replays, the replication applier's puts),
 * under the key's segment lock, which only the holder of the segment's stripe takes. So a path
 * added later that changes entries through Chronicle bumps without knowing it has to.
 */
public final class VersionBumps {
    /** Attached once the store's stripe table is open, before any change (crash repair comes after). */
    private volatile StripeTable stripes;

    public void attach(StripeTable table) {
        this.stripes = table;
    }

    /** Bumps the version of the segment of {@code context} (a Chronicle query or iteration context); all when unknown. */
    public void beforeChange(Object context) {
        StripeTable table = stripes;
        if (table == null) {
            return; // a map being built or compacted: no stripe table, no near copy of it anywhere
        }
        int segment = ChronicleMapInternals.segmentOf(context);
        if (segment >= 0) {
            table.bumpVersion(segment);
        } else {
            table.bumpAll();
        }
    }
}
