package dev.statestore.internal.map;

import dev.statestore.internal.lock.StripeContext;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A store whose values are kept as their codec writes them: no expiry, no bound. Every operation
 * is Chronicle Map's own, under the key's stripe.
 */
final class PlainStoreMap<K, V, KS, VS> extends ChronicleStoreMap<K, V, KS, VS> {
    /**
     * The handle reads go through: a second Chronicle Map instance on the same file built without
     * the journaling entry operations, so Chronicle keeps its fast read path (entry operations turn
     * it off; measured 1.34x on get). Reads still run under the key's stripe. The journaling handle
     * when there is no journal.
     */
    private final ChronicleMap<KS, VS> reads;

    @SuppressWarnings("unchecked")
    PlainStoreMap(StoreParts parts, ChronicleMap<?, ?> readHandle) {
        super(parts);
        this.reads = readHandle != null ? (ChronicleMap<KS, VS>) readHandle : map;
    }

    @Override
    ChronicleMap<KS, VS> readHandle() {
        return reads;
    }

    @Override
    V readLive(KS key, V reuse) {
        VS v;
        StripeContext held = lock(key);
        try {
            v = reads.getUsing(key, values.readTarget(reuse));
        } finally {
            unlock(held);
        }
        return values.fromStored(v);
    }

    @Override
    V readThrough(KS key, long hash, V reuse) {
        StripeContext held = lockHash(hash);
        try {
            long tag = versions.tag(hash); // the stripe is held: no change of the key until we release it
            VS v = reads.getUsing(key, values.readTarget(reuse));
            V value = values.fromStored(v);
            if (value != null) {
                near.fill(key, hash, value, v instanceof byte[] b && b != reuse ? b : null, tag, Long.MAX_VALUE);
            }
            return value;
        } finally {
            unlock(held);
        }
    }

    @Override
    boolean containsLive(KS key) {
        return reads.containsKey(key);
    }

    @Override
    public long longSize() {
        return storedSize();
    }

    @Override
    boolean sameStored(VS a, VS b) {
        return Objects.deepEquals(a, b);
    }

    @Override
    boolean visible(VS stored, long nowMillis) {
        return true;
    }

    @Override
    public byte[] comparable(byte[] encoded) {
        return encoded;
    }

    @Override
    public boolean expiring() {
        return false;
    }

    @Override
    public long sweepExpired() {
        return 0;
    }

    @Override
    public int segmentsSwept() {
        return 0;
    }

    @Override
    public V put(K key, V value, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        throw new UnsupportedOperationException("Store '" + name + "' was created without expiry: put(key, value,"
                + " ttl) needs a store created with MapOptions.ttl(Duration) or MapOptions.perEntryTtl(true)"
                + " (config keys ttl / perEntryTtl); dump this store and load it into one created so");
    }

    // ---------------------------------------------------------------- Chronicle's atomic operations, under the stripe

    /** Runs {@code operation}, a change of {@code key}, under its stripe; typed errors; synced after. */
    private <R> R change(KS key, Supplier<R> operation) {
        try {
            return locked(key, operation);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    boolean removeStored(KS key, VS target) {
        try {
            return locked(key, () -> map.remove(key, target), NOT_GROWN);
        } finally {
            synced();
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        KS k = storedKey(key);
        VS v = storedValue(value);
        return values.fromStored(change(k, () -> map.putIfAbsent(k, v)));
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        KS k = storedKey(key);
        VS o = storedValue(oldValue);
        VS n = storedValue(newValue);
        return change(k, () -> map.replace(k, o, n));
    }

    @Override
    public V replace(K key, V value) {
        KS k = storedKey(key);
        VS v = storedValue(value);
        return values.fromStored(change(k, () -> map.replace(k, v)));
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        KS k = storedKey(key);
        return values.fromStored(change(k, () -> map.computeIfAbsent(k, ks -> storedValueOrNull(mappingFunction.apply(key)))));
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        KS k = storedKey(key);
        return values.fromStored(change(k, () -> map.computeIfPresent(k,
                (ks, old) -> storedValueOrNull(remappingFunction.apply(key, values.fromStored(old))))));
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        KS k = storedKey(key);
        return change(k, () -> computeStored(k, key, remappingFunction));
    }

    /**
     * Chronicle's {@code compute} (MapMethods.compute) without its last step: Chronicle reads the
     * value it has just written back out of the map as its result; the result here is what a read
     * of those bytes gives ({@link Conversion#readBack}), taken from the bytes written, so the map
     * is not read a second time. The caller holds the key's stripe.
     */
    private V computeStored(KS k, K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        try (ExternalMapQueryContext<KS, VS, ?> q = map.queryContext(k)) {
            q.updateLock().lock();
            MapEntry<KS, VS> entry = q.entry();
            V next = remappingFunction.apply(key, entry == null ? null : values.fromStored(entry.value().getUsing(null)));
            if (next == null) {
                if (entry != null) {
                    q.remove(entry);
                }
                return null;
            }
            VS stored = values.toStored(next);
            Data<VS> data = q.wrapValueAsData(stored);
            if (entry != null) {
                q.replaceValue(entry, data);
            } else {
                q.insert(q.absentEntry(), data);
            }
            return values.readBack(stored);
        }
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        KS k = storedKey(key);
        VS v = storedValue(value);
        return values.fromStored(change(k, () -> map.merge(k, v,
                (old, given) -> storedValueOrNull(remappingFunction.apply(values.fromStored(old), value)))));
    }
}
