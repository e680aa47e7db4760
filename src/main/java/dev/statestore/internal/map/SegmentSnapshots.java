package dev.statestore.internal.map;

import dev.statestore.internal.lock.StripeContext;
import net.openhft.chronicle.map.MapSegmentContext;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A store's stored entries, a segment at a time: each segment is copied under its stripe, so the
 * iteration is weakly consistent (like ConcurrentHashMap's) and holds no lock between calls.
 */
final class SegmentSnapshots<KS, VS> implements Iterator<Map.Entry<KS, VS>> {
    private final ChronicleStoreMap<?, ?, KS, VS> store;
    /** Whether expired entries not swept yet are included (verify compares them with the journal). */
    private final boolean includeExpired;
    private int nextSegment;
    private Iterator<Map.Entry<KS, VS>> current = Collections.emptyIterator();

    SegmentSnapshots(ChronicleStoreMap<?, ?, KS, VS> store, boolean includeExpired) {
        this.store = store;
        this.includeExpired = includeExpired;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && nextSegment < store.stripes.stripes()) {
            current = snapshot(nextSegment++).iterator();
        }
        return current.hasNext();
    }

    @Override
    public Map.Entry<KS, VS> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    private List<Map.Entry<KS, VS>> snapshot(int segment) {
        List<Map.Entry<KS, VS>> entries = new ArrayList<>();
        StripeContext held = store.lock(segment);
        long now = System.currentTimeMillis();
        try (MapSegmentContext<KS, VS, ?> c = store.map.segmentContext(segment)) {
            c.forEachSegmentEntry(e -> {
                VS value = e.value().getUsing(null);
                if (includeExpired || store.visible(value, now)) {
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(e.key().getUsing(null), value));
                }
            });
        } finally {
            store.unlock(held);
        }
        return entries;
    }
}
