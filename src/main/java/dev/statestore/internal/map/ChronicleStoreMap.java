package dev.statestore.internal.map;

import dev.statestore.AtomicMap;
import dev.statestore.ChangeListener;
import dev.statestore.ChangeType;
import dev.statestore.Codec;
import dev.statestore.Position;
import dev.statestore.StoreMap;
import dev.statestore.SubscribeOptions;
import dev.statestore.Subscription;
import dev.statestore.internal.cache.FillWarning;
import dev.statestore.internal.chronicle.ChronicleErrors;
import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.chronicle.KeySegments;
import dev.statestore.internal.journal.ChangeCause;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.JournalSubscription;
import dev.statestore.internal.journal.NamedPosition;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.lock.StripeTable;
import dev.statestore.internal.metrics.StoreMeters;
import dev.statestore.internal.near.NearCache;
import dev.statestore.internal.near.VersionTable;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link StoreMap} over a persisted {@link ChronicleMap}: what every store shares. Atomic
 * operations delegate to Chronicle Map's own, which hold the segment lock (shared by all
 * processes) for their whole duration, and run while this thread holds the segment's stripe
 * (see {@link StripeTable}); keys and values are converted on the way in and out when Chronicle
 * does not store their type natively.
 *
 * <p>Two kinds of store, two subclasses: {@link PlainStoreMap} keeps values as their codec writes
 * them; {@link StampedStoreMap} keeps them behind a stamp (deadline, last access) for expiry and
 * a bound. What differs between them (reads that skip expired entries, the conditional writes,
 * eviction, sweeping) is theirs; the writes, the views, subscriptions and {@code atomically} are
 * here.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <KS> key type stored by Chronicle
 * @param <VS> value type stored by Chronicle
 */
public abstract sealed class ChronicleStoreMap<K, V, KS, VS> extends AbstractMap<K, V> implements StoreMap<K, V>
        permits PlainStoreMap, StampedStoreMap {
    /**
     * How often the sweeper passes over every segment whatever their marks say: catches entries
     * with a deadline written by a process that does not mark them (another build on the same
     * files). At the default 1 s interval, once a minute.
     */
    public static final int FULL_SWEEP_EVERY = 60;

    /** What {@link #locked(Object, Supplier, Predicate)} is told of an operation that cannot add bytes (a read, a removal). */
    static final Predicate<Object> NOT_GROWN = result -> false;

    final String name;
    final ChronicleMap<KS, VS> map;
    final Conversion<K, KS> keys;
    final Conversion<V, VS> values;
    final StripeTable stripes;
    /** The store's key versions, which writers bump and near caches check. */
    final VersionTable versions;
    final StoreMeters meters;
    private final long maxEntries;
    private final String sizingHint;
    private final Journal journal;
    private final Path storeDir;
    private final FileModes modes;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Which segment, and so which stripe, a key is in. */
    private final KeySegments<KS> segments;
    private final FillWarning fillWarning;
    private final StoreViews<K, V, KS, VS> views = new StoreViews<>(this);
    /** This process's near cache of the store's values (MapOptions.nearCache); null: none. */
    final NearCache near;
    private final long nearCacheEntries;

    /** The plain or stamped store for {@code values}; see {@link StoreOpener}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static ChronicleStoreMap<?, ?, ?, ?> create(StoreParts parts, ChronicleMap<?, ?> readHandle, long boundEntries,
                                                long boundBytes, long accessTtlMillis) {
        if (parts.values().stamped()) {
            return new StampedStoreMap(parts, boundEntries, boundBytes, accessTtlMillis);
        }
        return new PlainStoreMap(parts, readHandle);
    }

    /**
     * What a store map is made of.
     *
     * @param maxEntries the most entries the map file can take (entries times growth allowance)
     * @param sizingHint the sizing the store was created with, for error messages
     * @param journal null for a store without journal
     * @param versions the store's key versions (see {@link VersionTable})
     * @param nearCache the most values this process's near cache keeps; 0: no near cache
     */
    record StoreParts(String name, ChronicleMap<?, ?> map, Conversion<?, ?> keys, Conversion<?, ?> values,
                      long maxEntries, String sizingHint, Journal journal, Path storeDir, FileModes modes,
                      StripeTable stripes, VersionTable versions, long nearCache) {
    }

    @SuppressWarnings("unchecked")
    ChronicleStoreMap(StoreParts parts) {
        this.name = parts.name();
        this.map = (ChronicleMap<KS, VS>) parts.map();
        this.keys = (Conversion<K, KS>) parts.keys();
        this.values = (Conversion<V, VS>) parts.values();
        this.maxEntries = parts.maxEntries();
        this.sizingHint = parts.sizingHint();
        this.journal = parts.journal();
        this.storeDir = parts.storeDir();
        this.modes = parts.modes();
        this.stripes = parts.stripes();
        this.versions = parts.versions();
        this.meters = new StoreMeters(name);
        this.fillWarning = new FillWarning(name, sizingHint);
        this.segments = KeySegments.forMap(name, map, keys.storedClass());
        this.nearCacheEntries = parts.nearCache();
        this.near = nearCacheEntries > 0 ? NearCache.create(name, nearCacheEntries, versions, values.codec) : null;
        if (near != null) {
            meters.near(near::hits, near::misses, near::size);
        }
    }

    // ---------------------------------------------------------------- what the two kinds do differently

    /** The live value of {@code key} decoded, read under its stripe; null when absent or expired. */
    abstract V readLive(KS key, V reuse);

    /**
     * As {@link #readLive}, through the near cache after it missed: reads under the key's stripe and,
     * still holding it, refills the near copy of {@code key}, tagged with the key's version read
     * there first; {@code hash} is the key's ({@link KeySegments#hashOf}).
     */
    abstract V readThrough(KS key, long hash, V reuse);

    /** Whether {@code key} has a live entry; the caller holds its stripe. */
    abstract boolean containsLive(KS key);

    /** Removes {@code key} if it holds {@code target} (compared as {@link #sameStored} does). */
    abstract boolean removeStored(KS key, VS target);

    /** Whether two stored values hold the same value: stamped ones compare without their stamps. */
    abstract boolean sameStored(VS a, VS b);

    /** Whether a stored value is seen by readers at {@code nowMillis} (not expired). */
    abstract boolean visible(VS stored, long nowMillis);

    /**
     * Keeps a bounded store within its bounds after a change under the stripe {@code stripe} that
     * this thread holds; {@code grew}: whether the change may have added bytes. Nothing for others.
     */
    void keepWithinBound(int stripe, boolean grew, KS key) {
    }

    /** As {@link #keepWithinBound(int, boolean, Object)} after {@code atomically} changed {@code segment}. */
    void keepWithinBound(int segment) {
    }

    /** Encoded stored bytes as verify compares them: without the header fields reads rewrite in place. */
    public abstract byte[] comparable(byte[] encoded);

    /** Whether the store's values carry expiry deadlines (created with ttl, perEntryTtl, maxEntries or maxBytes). */
    public abstract boolean expiring();

    /**
     * Puts with an absolute deadline (epoch millis; {@code StampLayout.NEVER}: none) instead of one
     * computed from now: the replication applier keeps the deadline the origin host stamped, so
     * every host expires the entry at the same instant. A store without expiry holds no deadline
     * and puts the value as {@link #put} does.
     */
    public V putUntil(K key, V value, long deadlineMillis) {
        return put(key, value);
    }

    /**
     * Removes every expired entry, journaled as {@link ChangeType#EXPIRE}; the caller is the
     * store's one sweeper. Nothing for a store without expiry.
     *
     * @return entries removed
     */
    public abstract long sweepExpired();

    /** Segments the last {@link #sweepExpired} passed over (tests). */
    public abstract int segmentsSwept();

    /** The handle plain reads go through (see {@link PlainStoreMap}); the journaling handle for others. */
    ChronicleMap<KS, VS> readHandle() {
        return map;
    }

    // ---------------------------------------------------------------- identity and figures

    /** The most values this process's near cache of the store keeps; 0: none. */
    public long nearCacheEntries() {
        return nearCacheEntries;
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

    @Override
    public int size() {
        return (int) Math.min(longSize(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return longSize() == 0;
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
        long chunks = 0;
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            StripeContext held = lock(segment);
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                chunks += ChronicleMapInternals.usedChunks(c);
            } finally {
                unlock(held);
            }
        }
        return chunks * ChronicleMapInternals.chunkSize(map);
    }

    @Override
    public double fillRatio() {
        return Math.min(1.0, (double) storedSize() / maxEntries);
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

    public VersionTable versions() {
        return versions;
    }

    public KeySegments<KS> segments() {
        return segments;
    }

    public Conversion<K, KS> keyConversion() {
        return keys;
    }

    public Conversion<V, VS> valueConversion() {
        return values;
    }

    public Path storeDir() {
        return storeDir;
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public Subscription subscribe(Position position, ChangeListener<K, V> listener) {
        return subscribe(position, listener, SubscribeOptions.defaults());
    }

    @Override
    public Subscription subscribe(Position position, ChangeListener<K, V> listener, SubscribeOptions options) {
        return subscribe(position, listener, options, keys.codec, values.eventCodec());
    }

    /**
     * As {@link #subscribe(Position, ChangeListener, SubscribeOptions)}, with keys and values as the
     * journal stores them: a stamped store's values keep their {@link dev.statestore.internal.cache.StampLayout}
     * header (the deadline the replication shipper carries to other hosts), and nothing is decoded.
     */
    public Subscription subscribeStored(Position position, ChangeListener<byte[], byte[]> listener,
                                        SubscribeOptions options) {
        return subscribe(position, listener, options, dev.statestore.internal.codec.BuiltinCodecs.BYTES,
                dev.statestore.internal.codec.BuiltinCodecs.BYTES);
    }

    private <EK, EV> Subscription subscribe(Position position, ChangeListener<EK, EV> listener, SubscribeOptions options,
                                            Codec<EK> eventKeys, Codec<EV> eventValues) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        if (journal == null) {
            throw new IllegalStateException("Store '" + name + "' has no journal (created with journal=false): it"
                    + " cannot be subscribed to; create the store with a journal to follow its changes");
        }
        NamedPosition named = position.kind() == Position.Kind.NAMED
                ? NamedPosition.acquire(name, storeDir, position.name(), modes) : null;
        JournalSubscription<EK, EV> subscription;
        try {
            subscription = JournalSubscription.start(journal, eventKeys, eventValues, position, listener, options, named);
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

    // ---------------------------------------------------------------- reads

    @Override
    public V get(Object key) {
        return read(key, null);
    }

    @Override
    public V getUsing(K key, V reuse) {
        return read(key, reuse);
    }

    @SuppressWarnings("unchecked")
    private V read(Object key, V reuse) {
        KS k = storedKeyOrNull(key);
        long start = meters.start();
        V v;
        try {
            if (k == null) {
                v = null;
            } else if (near == null) {
                v = readLive(k, reuse);
            } else {
                Object copy = near.read(k, reuse);
                v = copy != NearCache.MISS ? (V) copy : readThrough(k, segments.hashOf(k), reuse);
            }
        } catch (RuntimeException e) {
            throw translate(e);
        } catch (InternalError e) {
            throw fault(e);
        }
        meters.recordGet(start, v != null);
        return v;
    }

    @Override
    public boolean containsKey(Object key) {
        KS k = storedKeyOrNull(key);
        if (k == null) {
            return false;
        }
        if (near != null && near.contains(k)) {
            return true;
        }
        StripeContext held = lock(k);
        try {
            return containsLive(k);
        } catch (RuntimeException e) {
            throw translate(e);
        } catch (InternalError e) {
            throw fault(e);
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
        for (Iterator<Map.Entry<KS, VS>> it = snapshots(false); it.hasNext(); ) {
            if (sameStored(it.next().getValue(), target)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- writes both kinds make alike

    @Override
    public V put(K key, V value) {
        KS k = storedKey(key);
        VS v = storedValue(value);
        try {
            long start = meters.start();
            VS previous;
            journalReady();
            long hash = near != null ? segments.hashOf(k) : 0;
            StripeContext held = near != null ? lockHash(hash) : lock(k); // as locked(k, ...), without a lambda
            try {
                previous = map.put(k, v);
                if (near != null && !expiring()) {
                    // this process's copy of the key, if it has one, takes the value it wrote (tagged after its bump)
                    near.refresh(k, hash, value, v instanceof byte[] b ? b : null, versions.tag(hash), Long.MAX_VALUE);
                }
                keepWithinBound(held.stripe(), grows(previous, v), k);
            } finally {
                unlock(held);
            }
            meters.recordPut(start);
            wrote();
            return values.fromStored(previous);
        } catch (RuntimeException e) {
            throw translate(e);
        } catch (InternalError e) {
            throw fault(e);
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
        return removeStored(k, values.toStored(values.codec.type().cast(value)));
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
                    } catch (InternalError e) {
                        throw fault(e);
                    } finally {
                        unlock(held);
                    }
                }
            });
        } finally {
            if (near != null) {
                near.invalidateAll(); // every copy misses now anyway (each key's version was bumped): free them
            }
            synced();
        }
    }

    @Override
    public <R> R atomically(Set<? extends K> keySet, Function<? super AtomicMap<K, V>, ? extends R> action) {
        return new AtomicStep<>(this, keySet).run(action);
    }

    /** After a put: the fill warning, checked now and then. */
    void wrote() {
        fillWarning.onPut(this);
    }

    // ---------------------------------------------------------------- views

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return views.entrySet;
    }

    @Override
    public Set<K> keySet() {
        return views.keySet;
    }

    @Override
    public Collection<V> values() {
        return views.values;
    }

    // ---------------------------------------------------------------- traversal for admin and views

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
    public void forEachEncodedWhileAllHeld(BiConsumer<byte[], byte[]> action) {
        for (int segment = 0; segment < stripes.stripes(); segment++) {
            try (MapSegmentContext<KS, VS, ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> action.accept(keys.bytesOf(e.key().getUsing(null)),
                        values.bytesOf(e.value().getUsing(null))));
            }
        }
    }

    /** Calls {@code action} with every stored entry, expired or not, one segment at a time, each under its stripe. */
    public void forEachStored(Consumer<Map.Entry<KS, VS>> action) {
        for (Iterator<Map.Entry<KS, VS>> it = snapshots(true); it.hasNext(); ) {
            action.accept(it.next());
        }
    }

    /** The stored entries a segment at a time, weakly consistent; {@code includeExpired}: also those not swept yet. */
    Iterator<Map.Entry<KS, VS>> snapshots(boolean includeExpired) {
        return new SegmentSnapshots<>(this, includeExpired);
    }

    // ---------------------------------------------------------------- stripes
    //
    // Every Chronicle operation on a segment runs while this thread holds the segment's stripe
    // (see StripeTable): Chronicle's own lock of the segment is then taken uncontended, and a
    // process killed inside an operation leaves a stripe that the next comer takes over.

    /** Takes the stripe of {@code key}'s segment; returns the thread's context, for {@link #unlock}. */
    final StripeContext lock(KS key) {
        return stripes.enter(segments.of(key));
    }

    /** Takes the stripe of the key whose hash ({@link KeySegments#hashOf}) is {@code hash}. */
    final StripeContext lockHash(long hash) {
        return stripes.enter(segments.segmentOfHash(hash));
    }

    final StripeContext lock(int segment) {
        return stripes.enter(segment);
    }

    /** Releases the stripe taken last by {@link #lock}; {@code held} is what it returned. */
    final void unlock(StripeContext held) {
        stripes.exit(held);
    }

    /** Runs a change of {@code key} under its stripe, then keeps a bounded store within its bounds. */
    final <R> R locked(KS key, Supplier<R> operation) {
        return locked(key, operation, result -> true);
    }

    /**
     * As {@link #locked(Object, Supplier)}; {@code grew} tells from the operation's result whether
     * it may have added bytes to the segment (an insert, a larger value): only then is the byte
     * bound checked, as that reads the segment's free lists.
     * The journal is opened first, if not yet, so its build never runs under a lock.
     */
    final <R> R locked(KS key, Supplier<R> operation, Predicate<? super R> grew) {
        journalReady();
        StripeContext held = lock(key);
        try {
            R result = operation.get();
            keepWithinBound(held.stripe(), grew.test(result), key);
            return result;
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            unlock(held);
        }
    }

    /** Whether storing {@code after} where {@code before} was (null: absent) may take more chunks. */
    static boolean grows(Object before, Object after) {
        return before == null || !(before instanceof byte[] b && after instanceof byte[] a) || a.length > b.length;
    }

    /**
     * Opens the journal, if it is not open yet, before a change takes its stripe: the queue's
     * first build (~40 ms in a fresh JVM) then never runs while a stripe or segment lock is held.
     * A volatile read once it is open. (An append opens it too, so a path without this call still
     * journals; it only builds the queue under the lock.)
     */
    final void journalReady() {
        if (journal != null) {
            journal.ensureOpen();
        }
    }

    /** Forces this thread's journal events to disk as the store's durability says, after the locks are released. */
    final void synced() {
        if (journal != null) {
            journal.syncIfPending();
        }
    }

    // ---------------------------------------------------------------- conversion and errors

    final KS storedKey(K key) {
        Objects.requireNonNull(key, "key");
        return keys.toStored(key);
    }

    final VS storedValue(V value) {
        Objects.requireNonNull(value, "value");
        return values.toStored(value);
    }

    final VS storedValueOrNull(V value) {
        return value == null ? null : values.toStored(value);
    }

    final KS storedKeyOrNull(Object key) {
        Objects.requireNonNull(key, "key");
        Class<K> type = keys.codec.type();
        return type.isInstance(key) ? keys.toStored(type.cast(key)) : null;
    }

    /**
     * A fault of a memory mapping (the JVM's {@link InternalError} for a SIGBUS: a page of a store
     * file the file system could not back, or a file truncated or replaced under this process) as a
     * typed error: a full disk, or a file changed under us. The store's other handles, and other
     * stores, are unaffected.
     */
    final RuntimeException fault(InternalError e) {
        java.nio.file.Path dir = storeDir.toAbsolutePath();
        long usable = ChronicleErrors.usableBytes(dir);
        if (usable >= 0 && usable < (1L << 20)) {
            return new dev.statestore.DiskFullException("Store '" + name + "': the disk of " + dir + " is full (" + usable
                    + " bytes usable): free space on that file system and it works again", dir, usable, e);
        }
        return new dev.statestore.CorruptStoreException("Store '" + name + "': a file of the store failed under this"
                + " process (" + e.getMessage() + "): it was truncated or replaced while mapped. Close every process"
                + " using the store, then run 'statestore verify " + name + "'", e);
    }

    /** A Chronicle failure as the typed error users handle (a full store, an entry too large, a full disk), else itself. */
    final RuntimeException translate(RuntimeException e) {
        return ChronicleErrors.translate(name, map, sizingHint, e);
    }
}
