package dev.statestore.internal.map;

import dev.statestore.AtomicMap;
import dev.statestore.ChangeType;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.lock.StripeTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One {@link ChronicleStoreMap#atomically} call: the stripes of its keys taken in ascending order
 * (so two such calls never deadlock), the action run on an {@link AtomicBatch}, its changes
 * journaled as one entry recorded in every held stripe, then applied to the map; a bounded store
 * then evicts through the same stripe entry path as a single-key write, so each eviction's event
 * carries its stripe and in-flight sequence and crash repair can finish it.
 */
final class AtomicStep<K, V, KS, VS> {
    private final ChronicleStoreMap<K, V, KS, VS> store;
    private final Set<? extends K> keySet;
    /** Each key's stored form. */
    private final Map<K, KS> stored = new HashMap<>();
    /** The keys of each segment, segments ascending. */
    private final TreeMap<Integer, List<K>> bySegment = new TreeMap<>();

    AtomicStep(ChronicleStoreMap<K, V, KS, VS> store, Set<? extends K> keySet) {
        this.store = store;
        this.keySet = Objects.requireNonNull(keySet, "keys");
        for (K key : keySet) {
            KS k = store.storedKey(key);
            stored.put(key, k);
            bySegment.computeIfAbsent(store.segments().of(k), s -> new ArrayList<>()).add(key);
        }
    }

    <R> R run(Function<? super AtomicMap<K, V>, ? extends R> action) {
        Objects.requireNonNull(action, "action");
        StripeTable stripes = store.stripes;
        List<Integer> held = new ArrayList<>();
        store.journalReady();
        try {
            for (int segment : bySegment.keySet()) { // ascending: no deadlock between batches
                stripes.lock(segment);
                held.add(segment);
            }
            Map<K, V> current = new HashMap<>();
            for (Map.Entry<K, KS> e : stored.entrySet()) {
                V v = store.values.fromStored(store.map.get(e.getValue())); // null when absent or expired
                if (v != null) {
                    current.put(e.getKey(), v);
                }
            }
            AtomicBatch<K, V> batch = new AtomicBatch<>(keySet, current);
            R result = action.apply(batch);
            if (!batch.changes().isEmpty()) {
                apply(batch);
            }
            return result;
        } catch (RuntimeException e) {
            throw store.translate(e);
        } catch (InternalError e) {
            throw store.fault(e);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                stripes.unlock(held.get(i));
            }
            store.synced();
        }
    }

    /** Journals a batch as one entry, records it in every held stripe, then changes the map. */
    private void apply(AtomicBatch<K, V> batch) {
        Map<K, V> changes = batch.changes();
        StripeTable stripes = store.stripes;
        Map<K, VS> storedOf = new HashMap<>(); // journal and map get the same bytes (and stamp)
        changes.forEach((k, v) -> {
            if (v != null) {
                storedOf.put(k, store.values.toStored(v));
            }
        });
        Journal journal = store.journal();
        if (journal != null) {
            Map<K, Integer> segmentOfKey = new HashMap<>();
            bySegment.forEach((segment, keysOfSegment) -> keysOfSegment.forEach(k -> segmentOfKey.put(k, segment)));
            List<Journal.BatchChange> entries = new ArrayList<>();
            for (Map.Entry<K, V> c : changes.entrySet()) {
                ChangeType type = c.getValue() != null ? ChangeType.PUT
                        : batch.expired(c.getKey()) ? ChangeType.EXPIRE : ChangeType.REMOVE;
                entries.add(new Journal.BatchChange(type, segmentOfKey.get(c.getKey()), store.keys.codec.encode(c.getKey()),
                        c.getValue() == null ? null : store.values.bytesOf(storedOf.get(c.getKey()))));
            }
            journal.appendBatch(entries, sequence -> bySegment.keySet().forEach(s -> stripes.inFlight(s, sequence)));
        }
        StripeContext context = StripeContext.current();
        context.replaying(true); // journaled above, as one entry
        try {
            for (Map.Entry<K, V> c : changes.entrySet()) {
                KS k = stored.get(c.getKey());
                if (c.getValue() == null) {
                    store.map.remove(k);
                } else {
                    store.map.put(k, storedOf.get(c.getKey()));
                }
            }
        } finally {
            context.replaying(false);
            // every map operation of the batch is closed: the batch needs no finishing any more, and
            // an eviction below records its own sequence
            bySegment.keySet().forEach(s -> stripes.inFlight(s, -1L));
        }
        for (int segment : bySegment.keySet()) {
            store.keepWithinBound(segment);
        }
    }
}
