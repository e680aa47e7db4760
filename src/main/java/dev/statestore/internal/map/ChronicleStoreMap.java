package dev.statestore.internal.map;

import dev.statestore.ChangeListener;
import dev.statestore.ChangeType;
import dev.statestore.Codec;
import dev.statestore.Position;
import dev.statestore.StoreFullException;
import dev.statestore.StoreMap;
import dev.statestore.SubscribeOptions;
import dev.statestore.Subscription;
import dev.statestore.internal.cache.DeadlineMarks;
import dev.statestore.internal.cache.ExpirySweeper;
import dev.statestore.internal.cache.FillWarning;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.cache.StampedEntries;
import dev.statestore.internal.journal.ChangeCause;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.JournalSubscription;
import dev.statestore.internal.journal.NamedPosition;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.lock.StripeTable;
import dev.statestore.internal.metrics.StoreMeters;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link StoreMap} over a persisted {@link ChronicleMap}. Atomic operations delegate to Chronicle
 * Map's own, which hold the segment lock (shared by all processes) for their whole duration;
 * keys and values are converted on the way in and out when Chronicle does not store their type
 * natively.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <KS> key type stored by Chronicle
 * @param <VS> value type stored by Chronicle
 */
public final class ChronicleStoreMap<K, V, KS, VS> extends AbstractMap<K, V> implements StoreMap<K, V> {
    private final String name;
    private final ChronicleMap<KS, VS> map;
    private final Conversion<K, KS> keys;
    private final Conversion<V, VS> values;
    private final long maxEntries;
    private final String sizingHint;
    private final EntrySet entrySet = new EntrySet();
    private final KeySet keySet = new KeySet();
    private final Values valueView = new Values();
    private final Journal journal;
    private final Path storeDir;
    private final FileModes modes;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final StripeTable stripes;
    /** Which segment, and so which stripe, a key is in. */
    private final KeySegments<KS> segments;
    private final StoreMeters meters;
    /** The stamped-value operations; null for a store without expiry or bound (nothing extra on its paths). */
    private final StampedEntries<KS> stamped;
    private final Conversion.Stamped<V> stampedValues;
    private final boolean bounded;
    private final FillWarning fillWarning;
    /**
     * How often the sweeper passes over every segment whatever their marks say: catches entries
     * with a deadline written by a process that does not mark them (another build on the same
     * files). At the default 1 s interval, once a minute.
     */
    public static final int FULL_SWEEP_EVERY = 60;
    /** Calls of {@link #sweepExpired} (only the store's one sweeper makes them). */
    private long sweeps;
    private volatile int segmentsSwept;

    @SuppressWarnings("unchecked")
    /**
     * The handle reads go through: a second Chronicle Map instance on the same file built without
     * the journaling entry operations, so Chronicle keeps its fast read path (entry operations turn
     * it off; measured 1.34x on get). Reads still run under the key's stripe. Defaults to the
     * journaling handle.
     */
    private ChronicleMap<KS, VS> reads;

    ChronicleStoreMap(String name, ChronicleMap<KS, VS> map, Conversion<K, KS> keys, Conversion<V, VS> values,
                      long maxEntries, String sizingHint, Journal journal, Path storeDir, FileModes modes,
                      StripeTable stripes, long boundEntries, long boundBytes, long accessTtlMillis) {
        this.name = name;
        this.reads = map;
        this.meters = new StoreMeters(name);
        if (values.stamped()) {
            this.stamped = new StampedEntries<>((ChronicleMap<KS, byte[]>) map, meters, boundEntries, boundBytes,
                    stripes.stripes(), accessTtlMillis);
            this.stampedValues = (Conversion.Stamped<V>) values;
        } else {
            this.stamped = null;
            this.stampedValues = null;
        }
        this.bounded = stamped != null && stamped.bounded();
        this.fillWarning = new FillWarning(name, sizingHint);
        this.stripes = stripes;
        this.segments = KeySegments.forMap(name, map, keys.storedClass());
        this.journal = journal;
        this.storeDir = storeDir;
        this.modes = modes;
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.maxEntries = maxEntries;
        this.sizingHint = sizingHint;
    }

    /** Routes plain reads through {@code handle} (see {@link #reads}); called before the map is handed out. */
    void readThrough(ChronicleMap<KS, VS> handle) {
        this.reads = handle;
    }

    ChronicleMap<KS, VS> readHandle() {
        return reads;
    }

    public ChronicleMap<KS, VS> chronicle() {
        return map;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Codec<K> keyCodec() {
        return keys.codec;
    }

    @Override
    public Codec<V> valueCodec() {
        return values.codec;
    }

    /**
     * Entries the store holds. In a store with expiry, entries that have expired but that the
     * sweeper has not removed yet are not counted (each segment is scanned under its stripe, so this
     * costs a pass over the entries); {@link #fillRatio} counts them, as they take room.
     */
    @Override
    public long longSize() {
        if (stamped == null) {
            return storedSize();
        }
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

    /** Entries in the map file, expired or not. */
    long storedSize() {
        long size = 0;
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            StripeContext held = lock(segment);
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                size += c.size();
            } finally {
                unlock(held);
            }
        }
        return size;
    }

    /** Bytes the entries occupy in the map file: Chronicle's allocated chunks, what {@code maxBytes} bounds. */
    public long usedBytes() {
        long chunkSize = ((net.openhft.chronicle.hash.impl.VanillaChronicleHash<?, ?, ?, ?>) map).chunkSize;
        long chunks = 0;
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            StripeContext held = lock(segment);
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                chunks += StampedEntries.usedChunks(c);
            } finally {
                unlock(held);
            }
        }
        return chunks * chunkSize;
    }

    @Override
    public int size() {
        return (int) Math.min(longSize(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return longSize() == 0;
    }

    @Override
    public boolean hasJournal() {
        return journal != null;
    }

    public Journal journal() {
        return journal;
    }

    StoreMeters meters() {
        return meters;
    }

    public StripeTable stripes() {
        return stripes;
    }

    KeySegments<KS> segments() {
        return segments;
    }

    public Conversion<K, KS> keyConversion() {
        return keys;
    }

    public Conversion<V, VS> valueConversion() {
        return values;
    }

    @Override
    public Subscription subscribe(Position position, ChangeListener<K, V> listener) {
        return subscribe(position, listener, SubscribeOptions.defaults());
    }

    @Override
    public Subscription subscribe(Position position, ChangeListener<K, V> listener, SubscribeOptions options) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        if (journal == null) {
            throw new IllegalStateException("Store '" + name + "' has no journal (created with journal=false): it"
                    + " cannot be subscribed to; create the store with a journal to follow its changes");
        }
        NamedPosition named = position.kind() == Position.Kind.NAMED
                ? NamedPosition.acquire(name, storeDir, position.name(), modes) : null;
        JournalSubscription<K, V> subscription;
        try {
            subscription = JournalSubscription.start(journal, keys.codec, values.eventCodec(), position, listener, options,
                    named);
        } catch (RuntimeException e) {
            if (named != null) {
                named.close();
            }
            throw e;
        }
        subscriptions.add(subscription);
        return subscription;
    }

    /** Stops every subscription made through this map. */
    void closeSubscriptions() {
        for (Subscription s : subscriptions) {
            s.close();
        }
        subscriptions.clear();
    }

    private void synced() {
        if (journal != null) {
            journal.syncIfPending();
        }
    }

    @Override
    public double fillRatio() {
        return Math.min(1.0, (double) storedSize() / maxEntries);
    }

    /** Encoded stored bytes as verify compares them: without the header fields reads rewrite in place. */
    public byte[] comparable(byte[] encoded) {
        return stamped == null ? encoded : stamped.comparable(encoded);
    }

    /** Whether the store's values carry expiry deadlines (created with ttl, perEntryTtl, maxEntries or maxBytes). */
    boolean expiring() {
        return stamped != null;
    }

    /**
     * Removes every expired entry, a segment at a time under its stripe, each removal journaled as
     * {@link ChangeType#EXPIRE}; the caller is the store's one sweeper (see {@link ExpirySweeper}).
     * Passes over only the segments that may hold entries with a deadline (see {@link DeadlineMarks}),
     * and over all of them every {@link #FULL_SWEEP_EVERY}th call.
     *
     * @return entries removed
     */
    public long sweepExpired() {
        if (stamped == null) {
            return 0;
        }
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

    /** Segments the last {@link #sweepExpired} passed over (tests). */
    public int segmentsSwept() {
        return segmentsSwept;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public V get(Object key) {
        return read(key, null);
    }

    @Override
    public V getUsing(K key, V reuse) {
        return read(key, reuse);
    }

    private V read(Object key, V reuse) {
        KS k = storedKeyOrNull(key);
        long start = meters.start();
        if (k == null) {
            meters.recordGet(start, false);
            return null;
        }
        if (stamped != null) {
            return stampedGet(k, reuse, start);
        }
        VS v;
        StripeContext held = lock(k);
        try {
            v = reads.getUsing(k, values.readTarget(reuse));
        } finally {
            unlock(held);
        }
        meters.recordGet(start, v != null);
        return values.fromStored(v);
    }

    private V stampedGet(KS k, V reuse, long start) {
        byte[] payload;
        StripeContext held = lock(k);
        try {
            payload = stamped.read(k, stampedValues.readTarget(reuse));
        } finally {
            unlock(held);
        }
        meters.recordGet(start, payload != null);
        return payload == null ? null : stampedValues.codec.decode(payload);
    }

    @Override
    public boolean containsKey(Object key) {
        KS k = storedKeyOrNull(key);
        if (k == null) {
            return false;
        }
        StripeContext held = lock(k);
        try {
            return stamped != null ? stamped.contains(k) : reads.containsKey(k);
        } finally {
            unlock(held);
        }
    }

    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        if (!values.codec.type().isInstance(value)) {
            return false;
        }
        VS target = values.toStored(values.codec.type().cast(value));
        for (Iterator<Map.Entry<KS, VS>> it = new SegmentSnapshots(); it.hasNext(); ) {
            if (sameStored(it.next().getValue(), target)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public V put(K key, V value) {
        KS k = storedKey(key);
        VS v = storedValue(value);
        try {
            long start = meters.start();
            VS previous;
            journalReady();
            StripeContext held = lock(k); // as locked(k, ...), without allocating a lambda on the hottest write
            try {
                previous = map.put(k, v);
                if (bounded) {
                    stamped.evictIfOver(held.stripe(), grows(previous, v), k);
                }
            } finally {
                unlock(held);
            }
            meters.recordPut(start);
            fillWarning.onPut(this);
            return values.fromStored(previous);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V put(K key, V value, java.time.Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (stamped == null) {
            throw new UnsupportedOperationException("Store '" + name + "' was created without expiry: put(key, value,"
                    + " ttl) needs a store created with MapOptions.ttl(Duration) or MapOptions.perEntryTtl(true)"
                    + " (config keys ttl / perEntryTtl); dump this store and load it into one created so");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        Objects.requireNonNull(value, "value");
        long deadline = StampLayout.deadlineAfter(System.currentTimeMillis(), Math.max(1, ttl.toMillis()));
        byte[] stored = stampedValues.toStored(value, deadline);
        long start = meters.start();
        V previous = stampedValues.decodeOrNull(stampedUpdate(storedKey(key), live -> stored));
        meters.recordPut(start);
        fillWarning.onPut(this);
        return previous;
    }

    @Override
    public V putIfAbsent(K key, V value) {
        if (stamped != null) {
            byte[] stored = stampedValues.toStored(Objects.requireNonNull(value, "value"));
            return stampedValues.decodeOrNull(stampedUpdate(storedKey(key), live -> live != null ? live : stored));
        }
        KS k = storedKey(key);
        VS v = storedValue(value);
        try {
            return values.fromStored(locked(k, () -> map.putIfAbsent(k, v)));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V remove(Object key) {
        KS k = storedKeyOrNull(key);
        if (k == null) {
            return null;
        }
        try {
            long start = meters.start();
            VS previous = locked(k, () -> map.remove(k), NOT_GROWN);
            if (previous != null) {
                meters.recordRemove(start);
            }
            return values.fromStored(previous);
        } finally {
            synced();
        }
    }

    @Override
    public boolean remove(Object key, Object value) {
        Objects.requireNonNull(value, "value");
        KS k = storedKeyOrNull(key);
        if (k == null || !values.codec.type().isInstance(value)) {
            return false;
        }
        if (stamped != null) {
            return stampedRemove(k, stampedValues.toStored(values.codec.type().cast(value)));
        }
        try {
            VS v = values.toStored(values.codec.type().cast(value));
            return locked(k, () -> map.remove(k, v), NOT_GROWN);
        } finally {
            synced();
        }
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        if (stamped != null) {
            byte[] o = stampedValues.toStored(Objects.requireNonNull(oldValue, "oldValue"));
            byte[] n = stampedValues.toStored(Objects.requireNonNull(newValue, "newValue"));
            boolean[] done = {false};
            stampedUpdate(storedKey(key), live -> {
                done[0] = live != null && StampLayout.samePayload(live, o);
                return done[0] ? n : live;
            });
            return done[0];
        }
        KS k = storedKey(key);
        VS o = storedValue(oldValue);
        VS n = storedValue(newValue);
        try {
            return locked(k, () -> map.replace(k, o, n));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V replace(K key, V value) {
        if (stamped != null) {
            byte[] stored = stampedValues.toStored(Objects.requireNonNull(value, "value"));
            return stampedValues.decodeOrNull(stampedUpdate(storedKey(key), live -> live != null ? stored : null));
        }
        KS k = storedKey(key);
        VS v = storedValue(value);
        try {
            return values.fromStored(locked(k, () -> map.replace(k, v)));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        if (stamped != null) {
            List<V> out = new ArrayList<>(1);
            stampedUpdate(storedKey(key), live -> {
                if (live != null) {
                    out.add(stampedValues.decodePayload(live));
                    return live;
                }
                V v = mappingFunction.apply(key);
                out.add(v);
                return v == null ? null : stampedValues.toStored(v);
            });
            return out.isEmpty() ? null : out.get(0);
        }
        KS k = storedKey(key);
        try {
            return values.fromStored(locked(k,
                    () -> map.computeIfAbsent(k, ks -> storedValueOrNull(mappingFunction.apply(key)))));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (stamped != null) {
            List<V> out = new ArrayList<>(1);
            stampedUpdate(storedKey(key), live -> {
                if (live == null) {
                    return null;
                }
                V v = remappingFunction.apply(key, stampedValues.decodePayload(live));
                out.add(v);
                return v == null ? null : stampedValues.toStored(v);
            });
            return out.isEmpty() ? null : out.get(0);
        }
        KS k = storedKey(key);
        try {
            return values.fromStored(locked(k, () -> map.computeIfPresent(k,
                    (ks, old) -> storedValueOrNull(remappingFunction.apply(key, values.fromStored(old))))));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (stamped != null) {
            List<V> out = new ArrayList<>(1);
            stampedUpdate(storedKey(key), live -> {
                V v = remappingFunction.apply(key, stampedValues.decodeOrNull(live));
                out.add(v);
                return v == null ? null : stampedValues.toStored(v);
            });
            return out.get(0);
        }
        KS k = storedKey(key);
        try {
            return values.fromStored(locked(k, () -> map.compute(k,
                    (ks, old) -> storedValueOrNull(remappingFunction.apply(key, values.fromStored(old))))));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (stamped != null) {
            Objects.requireNonNull(value, "value");
            List<V> out = new ArrayList<>(1);
            stampedUpdate(storedKey(key), live -> {
                V v = live == null ? value : remappingFunction.apply(stampedValues.decodePayload(live), value);
                out.add(v);
                return v == null ? null : stampedValues.toStored(v);
            });
            return out.get(0);
        }
        KS k = storedKey(key);
        VS v = storedValue(value);
        try {
            return values.fromStored(locked(k, () -> map.merge(k, v,
                    (old, given) -> storedValueOrNull(remappingFunction.apply(values.fromStored(old), value)))));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            synced();
        }
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void clear() {
        journalReady();
        try {
            ChangeCause.removingAs(ChangeType.CLEAR, () -> {
                for (int segment = 0; segment < stripes.stripes(); segment++) {
                    StripeContext held = lock(segment);
                    try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                        c.forEachSegmentEntry(e -> e.context().remove(e));
                    } finally {
                        unlock(held);
                    }
                }
            });
        } finally {
            synced();
        }
    }

    // ---------------------------------------------------------------- views
    //
    // The views compare keys and values by their encoded bytes, as the map does: AbstractMap's
    // keySet() and values() would remove by equals(), which for byte[] is identity, so
    // values().remove(bytes) found nothing although values().contains(bytes) was true.

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return entrySet;
    }

    @Override
    public Set<K> keySet() {
        return keySet;
    }

    @Override
    public Collection<V> values() {
        return valueView;
    }

    private final class EntrySet extends AbstractSet<Map.Entry<K, V>> {
        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new StoreIterator<>() {
                @Override
                Map.Entry<K, V> convert(Map.Entry<KS, VS> e) {
                    return new WriteThroughEntry(keys.fromStored(e.getKey()), values.fromStored(e.getValue()));
                }
            };
        }

        @Override
        public int size() {
            return ChronicleStoreMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return ChronicleStoreMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            if (e.getKey() == null || e.getValue() == null) {
                return false;
            }
            V current = get(e.getKey());
            return current != null && valueEquals(current, e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            return e.getKey() != null && e.getValue() != null && ChronicleStoreMap.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            ChronicleStoreMap.this.clear();
        }
    }

    private final class KeySet extends AbstractSet<K> {
        @Override
        public Iterator<K> iterator() {
            return new StoreIterator<>() {
                @Override
                K convert(Map.Entry<KS, VS> e) {
                    return keys.fromStored(e.getKey());
                }
            };
        }

        @Override
        public int size() {
            return ChronicleStoreMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return ChronicleStoreMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return ChronicleStoreMap.this.remove(o) != null;
        }

        @Override
        public void clear() {
            ChronicleStoreMap.this.clear();
        }
    }

    private final class Values extends AbstractCollection<V> {
        @Override
        public Iterator<V> iterator() {
            return new StoreIterator<>() {
                @Override
                V convert(Map.Entry<KS, VS> e) {
                    return values.fromStored(e.getValue());
                }
            };
        }

        @Override
        public int size() {
            return ChronicleStoreMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return ChronicleStoreMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsValue(o);
        }

        /** Removes one entry holding {@code o}; atomic per entry, as {@code remove(key, value)}. */
        @Override
        public boolean remove(Object o) {
            Objects.requireNonNull(o, "value");
            if (!values.codec.type().isInstance(o)) {
                return false;
            }
            VS target = values.toStored(values.codec.type().cast(o));
            try {
                for (Iterator<Map.Entry<KS, VS>> it = new SegmentSnapshots(); it.hasNext(); ) {
                    Map.Entry<KS, VS> e = it.next();
                    KS k = e.getKey();
                    if (stamped != null) {
                        if (sameStored(e.getValue(), target) && stampedRemove(k, (byte[]) target)) {
                            return true;
                        }
                    } else if (Objects.deepEquals(e.getValue(), target) && locked(k, () -> map.remove(k, target), NOT_GROWN)) {
                        return true;
                    }
                }
                return false;
            } finally {
                synced();
            }
        }

        @Override
        public void clear() {
            ChronicleStoreMap.this.clear();
        }
    }

    private boolean valueEquals(V current, Object other) {
        if (!values.codec.type().isInstance(other)) {
            return false;
        }
        return java.util.Arrays.equals(values.codec.encode(current), values.codec.encode(values.codec.type().cast(other)));
    }

    /** Iterates Chronicle's entries, weakly consistent; {@code remove} removes the last key returned. */
    private abstract class StoreIterator<T> implements Iterator<T> {
        private final Iterator<Map.Entry<KS, VS>> delegate = new SegmentSnapshots();
        private KS lastKey;

        abstract T convert(Map.Entry<KS, VS> e);

        @Override
        public boolean hasNext() {
            return delegate.hasNext();
        }

        @Override
        public T next() {
            Map.Entry<KS, VS> e = delegate.next();
            if (e == null) {
                throw new NoSuchElementException();
            }
            lastKey = e.getKey();
            return convert(e);
        }

        @Override
        public void remove() {
            if (lastKey == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            KS k = lastKey;
            try {
                locked(k, () -> map.remove(k), NOT_GROWN);
            } finally {
                lastKey = null;
                synced();
            }
        }
    }

    private final class WriteThroughEntry extends AbstractMap.SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        WriteThroughEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            put(getKey(), value);
            return super.setValue(value);
        }
    }

    // ---------------------------------------------------------------- stripes
    //
    // Every Chronicle operation on a segment runs while this thread holds the segment's stripe
    // (see StripeTable): Chronicle's own lock of the segment is then taken uncontended, and a
    // process killed inside an operation leaves a stripe that the next comer takes over.

    /** Takes the stripe of {@code key}'s segment; returns the thread's context, for {@link #unlock}. */
    private StripeContext lock(KS key) {
        return stripes.enter(segments.of(key));
    }

    private StripeContext lock(int segment) {
        return stripes.enter(segment);
    }

    /** Releases the stripe taken last by {@link #lock}; {@code held} is what it returned. */
    private void unlock(StripeContext held) {
        stripes.exit(held);
    }

    /** What {@link #locked(Object, Supplier, Predicate)} is told of an operation that cannot add bytes (a read, a removal). */
    private static final Predicate<Object> NOT_GROWN = result -> false;

    /** Runs a change of {@code key} under its stripe, then keeps a bounded store within its bounds. */
    private <R> R locked(KS key, Supplier<R> operation) {
        return locked(key, operation, result -> true);
    }

    /**
     * As {@link #locked(Object, Supplier)}; {@code grew} tells from the operation's result whether
     * it may have added bytes to the segment (an insert, a larger value): only then is the byte
     * bound checked, as that reads the segment's free lists (see {@link StampedEntries#evictIfOver}).
     * The journal is opened first, if not yet, so its build never runs under a lock.
     */
    private <R> R locked(KS key, Supplier<R> operation, Predicate<? super R> grew) {
        journalReady();
        StripeContext held = lock(key);
        try {
            R result = operation.get();
            if (bounded) {
                stamped.evictIfOver(held.stripe(), grew.test(result), key);
            }
            return result;
        } finally {
            unlock(held);
        }
    }

    /** Whether storing {@code after} where {@code before} was (null: absent) may take more chunks. */
    private static boolean grows(Object before, Object after) {
        return before == null || !(before instanceof byte[] b && after instanceof byte[] a) || a.length > b.length;
    }

    /**
     * Opens the journal, if it is not open yet, before a change takes its stripe: the queue's
     * first build (~40 ms in a fresh JVM) then never runs while a stripe or segment lock is held.
     * A volatile read once it is open. (An append opens it too, so a path without this call still
     * journals; it only builds the queue under the lock.)
     */
    private void journalReady() {
        if (journal != null) {
            journal.ensureOpen();
        }
    }

    // ---------------------------------------------------------------- stamped stores (expiry, bound)

    /** One read-modify-write of a stamped store under the key's stripe; see {@link StampedEntries#update}. */
    private byte[] stampedUpdate(KS k, java.util.function.UnaryOperator<byte[]> step) {
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

    private boolean stampedRemove(KS k, byte[] target) {
        boolean[] done = {false};
        stampedUpdate(k, live -> {
            done[0] = live != null && StampLayout.samePayload(live, target);
            return done[0] ? null : live;
        });
        return done[0];
    }

    /** Whether two stored values hold the same value: stamped ones compare without their headers. */
    private boolean sameStored(VS a, VS b) {
        return stamped != null ? StampLayout.samePayload((byte[]) a, (byte[]) b) : Objects.deepEquals(a, b);
    }

    @Override
    public <R> R atomically(Set<? extends K> keySet, Function<? super Map<K, V>, ? extends R> action) {
        Objects.requireNonNull(keySet, "keys");
        Objects.requireNonNull(action, "action");
        Map<K, KS> stored = new java.util.HashMap<>();
        java.util.TreeMap<Integer, List<K>> bySegment = new java.util.TreeMap<>();
        for (K key : keySet) {
            KS k = storedKey(key);
            stored.put(key, k);
            bySegment.computeIfAbsent(segments.of(k), s -> new ArrayList<>()).add(key);
        }
        List<Integer> held = new ArrayList<>();
        journalReady();
        try {
            for (int segment : bySegment.keySet()) { // ascending: no deadlock between batches
                stripes.lock(segment);
                held.add(segment);
            }
            Map<K, V> current = new java.util.HashMap<>();
            for (Map.Entry<K, KS> e : stored.entrySet()) {
                VS v = map.get(e.getValue());
                if (v != null) {
                    current.put(e.getKey(), values.fromStored(v));
                }
            }
            AtomicBatch<K, V> batch = new AtomicBatch<>(keySet, current);
            R result = action.apply(batch);
            if (!batch.changes().isEmpty()) {
                apply(batch.changes(), stored, bySegment);
            }
            return result;
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                stripes.unlock(held.get(i));
            }
            synced();
        }
    }

    /** Journals a batch as one entry, records it in every held stripe, then changes the map. */
    private void apply(Map<K, V> changes, Map<K, KS> stored, java.util.TreeMap<Integer, List<K>> bySegment) {
        Map<K, VS> storedOf = new java.util.HashMap<>(); // journal and map get the same bytes (and stamp)
        changes.forEach((k, v) -> {
            if (v != null) {
                storedOf.put(k, values.toStored(v));
            }
        });
        Map<K, Integer> segmentOfKey = new java.util.HashMap<>();
        bySegment.forEach((segment, keysOfSegment) -> keysOfSegment.forEach(k -> segmentOfKey.put(k, segment)));
        if (journal != null) {
            List<Journal.BatchChange> entries = new ArrayList<>();
            for (Map.Entry<K, V> c : changes.entrySet()) {
                entries.add(new Journal.BatchChange(segmentOfKey.get(c.getKey()), keys.codec.encode(c.getKey()),
                        c.getValue() == null ? null : values.bytesOf(storedOf.get(c.getKey()))));
            }
            journal.appendBatch(entries, sequence -> bySegment.keySet().forEach(s -> stripes.inFlight(s, sequence)));
        }
        StripeContext context = StripeContext.current();
        context.replaying(true); // journaled above, as one entry
        try {
            for (Map.Entry<K, V> c : changes.entrySet()) {
                KS k = stored.get(c.getKey());
                if (c.getValue() == null) {
                    map.remove(k);
                } else {
                    map.put(k, storedOf.get(c.getKey()));
                }
            }
        } finally {
            context.replaying(false);
            bySegment.keySet().forEach(s -> stripes.inFlight(s, -1L));
        }
        if (bounded) {
            for (int segment : bySegment.keySet()) {
                // as a single-key write evicts: its events carry the stripe and its in-flight sequence
                StripeContext held = stripes.enterHeld(segment);
                try {
                    stamped.evictIfOver(segment);
                } finally {
                    stripes.exitHeld(held);
                }
            }
        }
    }

    public Path storeDir() {
        return storeDir;
    }

    /**
     * Runs {@code action} holding every stripe (ascending, so it cannot deadlock with other
     * multi-stripe holders): no change can happen in any process meanwhile, neither to the map nor
     * to the journal, which is only appended under a stripe.
     */
    public <R> R withAllStripes(Supplier<R> action) {
        int held = 0;
        try {
            for (; held < stripes.stripes(); held++) {
                stripes.lock(held);
            }
            return action.get();
        } finally {
            for (int i = held - 1; i >= 0; i--) {
                stripes.unlock(i);
            }
        }
    }

    /** Every stored entry, encoded; the caller holds every stripe ({@link #withAllStripes}). */
    public void forEachEncodedWhileAllHeld(java.util.function.BiConsumer<byte[], byte[]> action) {
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> action.accept(keys.bytesOf(e.key().getUsing(null)),
                        values.bytesOf(e.value().getUsing(null))));
            }
        }
    }

    /** Calls {@code action} with every stored entry, one segment at a time, each under its stripe. */
    public void forEachStored(Consumer<Map.Entry<KS, VS>> action) {
        for (Iterator<Map.Entry<KS, VS>> it = new SegmentSnapshots(true); it.hasNext(); ) {
            action.accept(it.next());
        }
    }

    /**
     * The stored entries, a segment at a time: each segment is copied under its stripe, so the
     * iteration is weakly consistent (like ConcurrentHashMap's) and holds no lock between calls.
     */
    private final class SegmentSnapshots implements Iterator<Map.Entry<KS, VS>> {
        /** Whether expired entries not swept yet are included (verify compares them with the journal). */
        private final boolean includeExpired;
        private int nextSegment;

        SegmentSnapshots() {
            this(false);
        }

        SegmentSnapshots(boolean includeExpired) {
            this.includeExpired = includeExpired;
        }

        private Iterator<Map.Entry<KS, VS>> current = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && nextSegment < stripes.stripes()) {
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
            StripeContext held = lock(segment);
            long now = System.currentTimeMillis();
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    VS value = e.value().getUsing(null);
                    if (stamped == null || includeExpired || !StampLayout.expired((byte[]) value, now)) {
                        entries.add(new AbstractMap.SimpleImmutableEntry<>(e.key().getUsing(null), value));
                    }
                });
            } finally {
                unlock(held);
            }
            return entries;
        }
    }

    // ---------------------------------------------------------------- conversion and errors

    private KS storedKey(K key) {
        Objects.requireNonNull(key, "key");
        return keys.toStored(key);
    }

    private VS storedValue(V value) {
        Objects.requireNonNull(value, "value");
        return values.toStored(value);
    }

    private VS storedValueOrNull(V value) {
        return value == null ? null : values.toStored(value);
    }

    private KS storedKeyOrNull(Object key) {
        Objects.requireNonNull(key, "key");
        Class<K> type = keys.codec.type();
        return type.isInstance(key) ? keys.toStored(type.cast(key)) : null;
    }

    private RuntimeException translate(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("extra segment tier")) {
            return new StoreFullException("Store '" + name + "' is full (" + map.longSize() + " entries): "
                    + sizingHint + ". Raise entries or maxGrowth (MapOptions, or the config keys) for a new store,"
                    + " or dump it and load it into a larger one", e);
        }
        if (message.contains("too large")) {
            return new StoreFullException("Store '" + name + "': an entry is too large for the sizing the store was"
                    + " created with (" + sizingHint + "). Create the store with a larger averageKeySize /"
                    + " averageValueSize", e);
        }
        if (message.contains("Not enough space")) {
            return new StoreFullException("Store '" + name + "': the disk is full, the store cannot grow (" + message
                    + "). Free disk space on the data directory's file system", e);
        }
        return e;
    }
}
