package dev.statestore.internal.map;

import dev.statestore.ChangeType;
import dev.statestore.ConfigException;
import dev.statestore.internal.cache.DeadlineMarks;
import dev.statestore.internal.cache.ExpirySweeper;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.cache.StampedEntries;
import dev.statestore.internal.lock.StripeContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A store whose values carry a {@link StampLayout} stamp (deadline, last access): created with a
 * time to live, per-entry expiry or a bound ({@code maxEntries}, {@code maxBytes}). Expired
 * entries read as absent on every path until the sweeper removes them; conditional writes are
 * read-modify-writes of the stamped bytes ({@link StampedEntries#update}); a bounded store evicts
 * after a write that may have grown it.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <KS> key type stored by Chronicle
 */
final class StampedStoreMap<K, V, KS> extends ChronicleStoreMap<K, V, KS, byte[]> {
    private final StampedEntries<KS> stamped;
    private final Conversion.Stamped<V> stampedValues;
    private final boolean bounded;
    /** Calls of {@link #sweepExpired} (only the store's one sweeper makes them). */
    private long sweeps;
    private volatile int segmentsSwept;

    @SuppressWarnings("unchecked")
    StampedStoreMap(StoreParts parts, long boundEntries, long boundBytes, long accessTtlMillis) {
        super(parts);
        this.stamped = new StampedEntries<>(map, meters, boundEntries, boundBytes, stripes.stripes(), accessTtlMillis);
        this.stampedValues = (Conversion.Stamped<V>) parts.values();
        this.bounded = stamped.bounded();
        if (near != null && stamped.readsWrite()) {
            throw new ConfigException("Store '" + name + "': nearCache cannot be used with this store: its reads change"
                    + " shared state (it was created with " + (bounded ? "maxEntries or maxBytes: reads stamp the access"
                    + " clock eviction goes by" : "expireAfterAccess: reads restart the time to live") + "), which reads"
                    + " served from this process's heap would not do. Leave nearCache unset for this store, or"
                    + " use a store created with only ttl / perEntryTtl (dump it and load it into one)");
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    V readLive(KS key, V reuse) {
        byte[] payload;
        StripeContext held = lock(key);
        try {
            payload = stamped.read(key, stampedValues.readTarget(reuse));
        } finally {
            unlock(held);
        }
        return payload == null ? null : stampedValues.codec.decode(payload);
    }

    @Override
    V readThrough(KS key, long hash, V reuse) {
        StripeContext held = lockHash(hash);
        try {
            long tag = versions.tag(hash); // the stripe is held: no change of the key until we release it
            byte[] stored = stamped.readStored(key);
            if (stored == null) {
                return null;
            }
            byte[] payload = StampLayout.payload(stored);
            V value = stampedValues.codec.decode(payload);
            long deadline = StampLayout.deadline(stored);
            near.fill(key, hash, value, payload, tag, deadline == StampLayout.NEVER ? Long.MAX_VALUE : deadline);
            if (reuse instanceof byte[] r && value instanceof byte[] b && r.length == b.length) {
                System.arraycopy(b, 0, r, 0, b.length); // getUsing's contract: the value in the caller's array when it fits
                return reuse;
            }
            return value;
        } finally {
            unlock(held);
        }
    }

    @Override
    boolean containsLive(KS key) {
        return stamped.contains(key);
    }

    /**
     * Entries the store holds. Entries that have expired but that the sweeper has not removed yet
     * are not counted (each segment is scanned under its stripe, so this costs a pass over the
     * entries); {@link #fillRatio} counts them, as they take room.
     */
    @Override
    public long longSize() {
        long size = 0;
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            StripeContext held = lock(segment);
            try {
                size += stamped.live(segment);
            } finally {
                unlock(held);
            }
        }
        return size;
    }

    @Override
    boolean sameStored(byte[] a, byte[] b) {
        return StampLayout.samePayload(a, b);
    }

    @Override
    boolean visible(byte[] stored, long nowMillis) {
        return !StampLayout.expired(stored, nowMillis);
    }

    @Override
    public byte[] comparable(byte[] encoded) {
        return stamped.comparable(encoded);
    }

    @Override
    public boolean expiring() {
        return true;
    }

    // ---------------------------------------------------------------- bound and expiry

    @Override
    void keepWithinBound(int stripe, boolean grew, KS key) {
        if (bounded) {
            stamped.evictIfOver(stripe, grew, key);
        }
    }

    @Override
    void keepWithinBound(int segment) {
        if (bounded) {
            // as a single-key write evicts: its events carry the stripe and its in-flight sequence
            StripeContext held = stripes.enterHeld(segment);
            try {
                stamped.evictIfOver(segment);
            } finally {
                stripes.exitHeld(held);
            }
        }
    }

    /**
     * Removes every expired entry, a segment at a time under its stripe, each removal journaled as
     * {@link ChangeType#EXPIRE}; the caller is the store's one sweeper (see {@link ExpirySweeper}).
     * Passes over only the segments that may hold entries with a deadline (see {@link DeadlineMarks}),
     * and over all of them every {@link #FULL_SWEEP_EVERY}th call.
     */
    @Override
    public long sweepExpired() {
        boolean full = sweeps++ % FULL_SWEEP_EVERY == 0;
        long removed = 0; // no journalReady(): most sweeps remove nothing; the first removal opens the journal
        int swept = 0;
        try {
            for (int segment = 0; segment < stripes.stripes(); segment++) {
                if (!full && stripes.holdsNoDeadlines(segment)) {
                    continue;
                }
                swept++;
                StripeContext held = lock(segment);
                try {
                    StampedEntries.Swept s = stamped.sweep(segment);
                    removed += s.removed();
                    if (!s.deadlinesLeft()) {
                        stripes.noDeadlines(segment); // under the stripe: a writer marking it again comes after
                    }
                } finally {
                    unlock(held);
                }
            }
        } finally {
            segmentsSwept = swept;
            synced();
        }
        return removed;
    }

    @Override
    public int segmentsSwept() {
        return segmentsSwept;
    }

    // ---------------------------------------------------------------- writes: read-modify-writes of the stamped bytes

    /** One read-modify-write under the key's stripe; see {@link StampedEntries#update}. */
    private byte[] update(KS k, UnaryOperator<byte[]> step) {
        boolean[] grew = {false};
        try {
            return locked(k, () -> stamped.update(k, live -> {
                byte[] next = step.apply(live);
                grew[0] = next != null && next != live && grows(live, next); // an expired entry replaced counts as grown
                return next;
            }), before -> grew[0]);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    boolean removeStored(KS k, byte[] target) {
        boolean[] done = {false};
        update(k, live -> {
            done[0] = live != null && StampLayout.samePayload(live, target);
            return done[0] ? null : live;
        });
        return done[0];
    }

    @Override
    public V put(K key, V value, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return putUntil(key, value, StampLayout.deadlineAfter(System.currentTimeMillis(), Math.max(1, ttl.toMillis())));
    }

    @Override
    public V putUntil(K key, V value, long deadlineMillis) {
        Objects.requireNonNull(value, "value");
        byte[] stored = stampedValues.toStored(value, deadlineMillis);
        long start = meters.start();
        V previous = stampedValues.decodeOrNull(update(storedKey(key), live -> stored));
        meters.recordPut(start);
        wrote();
        return previous;
    }

    @Override
    public V putIfAbsent(K key, V value) {
        byte[] stored = stampedValues.toStored(Objects.requireNonNull(value, "value"));
        return stampedValues.decodeOrNull(update(storedKey(key), live -> live != null ? live : stored));
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        byte[] o = stampedValues.toStored(Objects.requireNonNull(oldValue, "oldValue"));
        byte[] n = stampedValues.toStored(Objects.requireNonNull(newValue, "newValue"));
        boolean[] done = {false};
        update(storedKey(key), live -> {
            done[0] = live != null && StampLayout.samePayload(live, o);
            return done[0] ? n : live;
        });
        return done[0];
    }

    @Override
    public V replace(K key, V value) {
        byte[] stored = stampedValues.toStored(Objects.requireNonNull(value, "value"));
        return stampedValues.decodeOrNull(update(storedKey(key), live -> live != null ? stored : null));
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        List<V> out = new ArrayList<>(1);
        update(storedKey(key), live -> {
            if (live != null) {
                out.add(stampedValues.decodePayload(live));
                return live;
            }
            return storedOrNull(mappingFunction.apply(key), out);
        });
        return out.isEmpty() ? null : out.get(0);
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        List<V> out = new ArrayList<>(1);
        update(storedKey(key), live -> live == null ? null
                : storedOrNull(remappingFunction.apply(key, stampedValues.decodePayload(live)), out));
        return out.isEmpty() ? null : out.get(0);
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        List<V> out = new ArrayList<>(1);
        update(storedKey(key), live -> storedOrNull(remappingFunction.apply(key, stampedValues.decodeOrNull(live)), out));
        return out.get(0);
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        Objects.requireNonNull(value, "value");
        List<V> out = new ArrayList<>(1);
        update(storedKey(key), live -> storedOrNull(
                live == null ? value : remappingFunction.apply(stampedValues.decodePayload(live), value), out));
        return out.get(0);
    }

    /** Records {@code v}, a function's result, in {@code out} and stamps it; null (remove) for null. */
    private byte[] storedOrNull(V v, List<V> out) {
        out.add(v);
        return v == null ? null : stampedValues.toStored(v);
    }
}
