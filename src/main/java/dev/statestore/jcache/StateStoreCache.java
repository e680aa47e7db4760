package dev.statestore.jcache;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.jcache.CacheSteps.Change;
import dev.statestore.jcache.CacheSteps.Found;
import dev.statestore.jcache.CacheSteps.Put;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;

/**
 * A JCache {@link Cache} over one store: a cache is a store. Every operation on a key runs as one
 * {@link StoreMap#atomically} step on that key, so it is atomic across threads and processes (the
 * key's stripe is held in every process) and a step that changes nothing writes nothing. Loaders,
 * writers, expiry policies and entry processors run inside that step; listeners of this process
 * are called after it.
 *
 * <p>Entries are {@link CacheValue}s: the value, its expiry deadline and how it was written. An
 * entry whose deadline passed is returned by no read; the read that finds it removes it and reports
 * it expired.
 *
 * <p>This class is the API's face: argument checks, statistics and the order of things. The work is
 * beside it: the per-key steps in {@link CacheSteps}, {@code invoke} in {@link EntryProcessing}, the
 * many-key operations in {@link BulkOperations}, iteration in {@link CacheIterator}, and delivery of
 * this JVM's events in {@link LocalDelivery} (other processes' in {@link RemoteEvents}).
 */
final class StateStoreCache<K, V> implements Cache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(StateStoreCache.class);

    private final StateStoreCacheManager manager;
    private final String name;
    private final String storeName;
    private final MutableConfiguration<K, V> configuration;
    private final StateStore store;
    private final StoreMap<Object, CacheValue> map;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final ExpiryDeadlines deadlines;
    /** Whether entries never expire (EternalExpiryPolicy): puts need not read the old entry's deadline. */
    private final boolean eternal;
    private final Listeners<K, V> listeners = new Listeners<>();
    private final CacheStatistics statistics;
    private final CacheManagement management;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CacheSteps<K, V> steps;
    private final EntryProcessing<K, V> processing;
    private final BulkOperations<K, V> bulk;
    private final LocalDelivery<K, V> local;
    private final RemoteEvents<K, V> remote;
    private final java.util.concurrent.ScheduledFuture<?> sweep; // null for eternal caches

    @SuppressWarnings("unchecked")
    StateStoreCache(StateStoreCacheManager manager, String name, String storeName, Configuration<K, V> given,
                    StateStore store, StoreMap<Object, CacheValue> map, long sweepSeconds) {
        this.manager = manager;
        this.name = name;
        this.storeName = storeName;
        this.store = store;
        this.map = map;
        if (given instanceof CompleteConfiguration) {
            this.configuration = new MutableConfiguration<>((CompleteConfiguration<K, V>) given);
        } else {
            MutableConfiguration<K, V> c = new MutableConfiguration<>();
            c.setStoreByValue(given.isStoreByValue());
            c.setTypes(given.getKeyType(), given.getValueType());
            this.configuration = c;
        }
        this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null
                : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
        this.deadlines = new ExpiryDeadlines(configuration.getExpiryPolicyFactory().create());
        this.eternal = deadlines.eternal();
        for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
            listeners.add(l);
        }
        this.steps = new CacheSteps<>(this, name, map, configuration, deadlines, loader, writer);
        this.local = new LocalDelivery<>(this, store.dataDir().resolve(storeName), listeners, closed);
        this.remote = new RemoteEvents<>(this, map, listeners);
        this.statistics = new CacheStatistics(this::liveEntries);
        this.processing = new EntryProcessing<>(steps, statistics, this::statisticsEnabled,
                configuration.isReadThrough() ? loader : null, this::dispatch);
        this.bulk = new BulkOperations<>(this, name, steps, configuration, loader, writer, statistics,
                this::statisticsEnabled, this::dispatch);
        this.management = new CacheManagement(this);
        if (!listeners.isEmpty()) {
            remote.start();
        }
        this.sweep = eternal ? null : ExpirySweep.every(sweepSeconds, this::sweepExpired);
        if (configuration.isManagementEnabled()) {
            setManagementEnabled(true);
        }
        if (configuration.isStatisticsEnabled()) {
            setStatisticsEnabled(true);
        }
    }

    String storeName() {
        return storeName;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V get(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        V v = getValue(key, events);
        dispatch(events);
        return v;
    }

    @SuppressWarnings("unchecked")
    private V getValue(K key, List<CacheEvent<K, V>> events) {
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        CacheValue c = map.get(key);
        // the clock is read only when an entry's deadline or an access under the policy needs it
        long now = c != null && (c.expires() || !eternal) ? System.currentTimeMillis() : 0;
        if (c != null && !c.expiredAt(now)) {
            steps.touch(key, c, now);
            if (stats) {
                statistics.hit();
                statistics.getTime(System.nanoTime() - start);
            }
            return (V) c.value();
        }
        if (c != null) {
            steps.expire(key, now, events);
        }
        if (stats) {
            statistics.miss();
        }
        V loaded = null;
        if (configuration.isReadThrough() && loader != null) {
            loaded = steps.step(key, m -> {
                CacheValue current = m.get(key);
                long t = System.currentTimeMillis();
                if (current != null && !current.expiredAt(t)) {
                    return (V) current.value();
                }
                V value = steps.load(key);
                if (value != null && !steps.create(m, key, value, t, events) && current != null) {
                    m.expire(key); // the expired entry goes; the loaded value is not kept (no time to live)
                }
                return value;
            });
        }
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
        }
        return loaded;
    }

    /** The background pass of {@link ExpirySweep}: removes the expired entries, reporting them. */
    void sweepExpired() {
        try {
            long now = System.currentTimeMillis();
            List<CacheEvent<K, V>> events = new ArrayList<>(0);
            for (Map.Entry<Object, CacheValue> e : map.entrySet()) {
                if (closed.get()) {
                    return;
                }
                if (e.getValue().expiredAt(now)) {
                    @SuppressWarnings("unchecked")
                    K key = (K) e.getKey();
                    steps.expire(key, now, events);
                }
            }
            dispatch(events);
        } catch (RuntimeException e) {
            if (!closed.get()) {
                LOG.warn("cache {}: the expiry sweep failed; it runs again later", name, e);
            }
        }
    }

    /** Delivers the events of a change made through this cache, here and to the other open caches of its store in this JVM. */
    private void dispatch(List<CacheEvent<K, V>> events) {
        local.dispatch(events);
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        ensureOpen();
        if (keys.contains(null)) {
            throw new NullPointerException("keys contains a null");
        }
        Map<K, V> result = new HashMap<>(keys.size());
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        for (K key : keys) {
            V v = getValue(key, events);
            if (v != null) {
                result.put(key, v);
            }
        }
        dispatch(events);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        CacheValue c = map.get(key);
        return c != null && !c.expiredAt(System.currentTimeMillis());
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys");
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains a null");
        }
        bulk.loadAll(keys, replaceExistingValues, completionListener);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(K key, V value) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        if (eternal && !local.listenedTo() && !(configuration.isWriteThrough() && writer != null)) {
            // nothing here needs the old value: one compute, as cheap as StoreMap.put, still telling
            // other processes' listeners a creation from an update; the clock is read only for an
            // entry with a deadline (one written through another handle with another policy)
            map.compute(key, (k, old) -> old == null || old.expiredNow()
                    ? new CacheValue(CacheValue.CREATED, CacheValue.ETERNAL, value)
                    : new CacheValue(0, old.deadline(), value)); // an update keeps the deadline (getExpiryForUpdate is null)
            if (stats) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
            return;
        }
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        Boolean stored = steps.step(key, m -> steps.put(m, key, value, true, true, events) != Put.NONE);
        if (stats && stored) {
            statistics.put();
            statistics.putTime(System.nanoTime() - start);
        }
        dispatch(events);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getAndPut(K key, V value) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        Object[] result = new Object[2];
        steps.step(key, m -> {
            CacheValue c = m.get(key);
            result[0] = c == null || c.expiredAt(System.currentTimeMillis()) ? null : c.value();
            result[1] = steps.put(m, key, value, true, true, events);
            return null;
        });
        if (stats) {
            if (result[0] == null) {
                statistics.miss();
            } else {
                statistics.hit();
            }
            statistics.getTime(System.nanoTime() - start);
            if (result[1] != Put.NONE) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
        }
        dispatch(events);
        return (V) result[0];
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        ensureOpen();
        Objects.requireNonNull(entries, "map");
        if (entries.containsKey(null)) {
            throw new NullPointerException("a key is null");
        }
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            checkTypes(e.getKey(), e.getValue());
        }
        bulk.putAll(entries, true, true);
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        boolean[] present = new boolean[1];
        Put p = steps.step(key, m -> {
            CacheValue c = m.get(key);
            present[0] = c != null && !c.expiredAt(System.currentTimeMillis());
            return steps.put(m, key, value, false, true, events);
        });
        if (stats) {
            if (p != Put.NONE) {
                statistics.put();
                statistics.miss();
                statistics.putTime(System.nanoTime() - start);
            } else if (present[0]) {
                statistics.hit();
            } else {
                statistics.miss();
            }
        }
        dispatch(events);
        return p != Put.NONE;
    }

    // ------------------------------------------------------------------ removals and replacements

    @Override
    public boolean remove(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Change<V> change = change(key, null, null, true);
        if (stats && change.changed()) {
            statistics.removal();
            statistics.removeTime(System.nanoTime() - start);
        }
        return change.changed();
    }

    @Override
    public boolean remove(K key, V oldValue) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Change<V> change = change(key, oldValue, null, true);
        if (stats) {
            if (change.changed()) {
                statistics.removal();
                statistics.removeTime(System.nanoTime() - start);
            }
            countRead(change, start);
        }
        return change.changed();
    }

    @Override
    public V getAndRemove(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Change<V> change = change(key, null, null, true);
        if (stats) {
            countRead(change, start);
            if (change.changed()) {
                statistics.removal();
                statistics.removeTime(System.nanoTime() - start);
            }
        }
        return change.old();
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        checkTypes(key, newValue);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Change<V> change = change(key, oldValue, newValue, true);
        if (stats) {
            if (change.changed()) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
            countRead(change, start);
        }
        return change.changed();
    }

    @Override
    public boolean replace(K key, V value) {
        return getAndReplace(key, value, false) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        return getAndReplace(key, value, true);
    }

    private V getAndReplace(K key, V value, boolean countGet) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Change<V> change = change(key, null, value, true);
        if (stats) {
            countRead(change, start);
            if (change.changed()) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
        }
        return change.old();
    }

    /** One {@link CacheSteps#change} as a step of its own, its events delivered. */
    private Change<V> change(K key, V expected, V replacement, boolean writeThrough) {
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        Change<V> change = steps.step(key, m -> steps.change(m, key, expected, replacement, writeThrough, events));
        dispatch(events);
        return change;
    }

    /** The read statistics of an operation that looked the key up: a hit when it found a live entry. */
    private void countRead(Change<V> change, long start) {
        statistics.getTime(System.nanoTime() - start);
        if (change.found() == Found.MISS) {
            statistics.miss();
        } else {
            statistics.hit();
        }
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys");
        if (keys.contains(null)) {
            throw new NullPointerException("keys contains a null");
        }
        bulk.removeAll(new LinkedHashSet<>(keys));
    }

    @Override
    public void removeAll() {
        ensureOpen();
        Set<K> keys = new LinkedHashSet<>();
        for (Object k : map.keySet()) {
            @SuppressWarnings("unchecked")
            K key = (K) k;
            keys.add(key);
        }
        bulk.removeAll(keys);
    }

    @Override
    public void clear() {
        ensureOpen();
        map.clear();
    }

    // ------------------------------------------------------------------ entry processors, iteration

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(processor, "entryProcessor");
        return processing.invoke(key, processor, arguments);
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
                                                         Object... arguments) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(processor, "entryProcessor");
        return processing.invokeAll(keys, processor, arguments);
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        ensureOpen();
        return new CacheIterator<>(map.entrySet().iterator(), steps, statistics, this::statisticsEnabled, this::remove);
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        ensureOpen();
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        listeners.add(listenerConfiguration);
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
        remote.start();
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        Listeners.Registration<K, V> r = listeners.remove(listenerConfiguration);
        if (r != null) {
            configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
            closeQuietly(r.listener());
        }
    }

    // ------------------------------------------------------------------ lifecycle, configuration

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            manager.released(this);
            closeResources();
        }
    }

    /** Closes what this handle holds: MXBeans, the subscription, loader, writer, policy, listeners, and its store. */
    void closeResources() {
        closed.set(true);
        local.close();
        if (sweep != null) {
            sweep.cancel(false);
        }
        CacheManagement.unregister(this, "CacheStatistics");
        CacheManagement.unregister(this, "CacheConfiguration");
        remote.close();
        closeQuietly(loader);
        closeQuietly(writer);
        closeQuietly(deadlines.policy());
        for (Listeners.Registration<K, V> r : listeners.all()) {
            closeQuietly(r.listener());
        }
        store.close();
    }

    private void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) { // Closeable too
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("cache {}: closing {} failed", name, o.getClass().getName(), e);
            }
        }
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> type) {
        if (type.isInstance(configuration)) {
            return type.cast(configuration);
        }
        throw new IllegalArgumentException("The configuration of a statestore cache is a " + configuration.getClass().getName()
                + ", not a " + type.getName());
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if (type == StoreMap.class) {
            return type.cast(map);
        }
        if (type == StateStore.class) {
            return type.cast(store);
        }
        throw new IllegalArgumentException("A statestore cache unwraps to StoreMap or StateStore, not to " + type.getName());
    }

    void setStatisticsEnabled(boolean enabled) {
        if (enabled) {
            CacheManagement.register(this, "CacheStatistics", statistics);
        } else {
            CacheManagement.unregister(this, "CacheStatistics");
        }
        configuration.setStatisticsEnabled(enabled);
    }

    void setManagementEnabled(boolean enabled) {
        if (enabled) {
            CacheManagement.register(this, "CacheConfiguration", management);
        } else {
            CacheManagement.unregister(this, "CacheConfiguration");
        }
        configuration.setManagementEnabled(enabled);
    }

    CacheStatistics statistics() {
        return statistics;
    }

    private long liveEntries() {
        long now = System.currentTimeMillis();
        long n = 0;
        for (CacheValue c : map.values()) {
            if (!c.expiredAt(now)) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ helpers

    private boolean statisticsEnabled() {
        return configuration.isStatisticsEnabled();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Cache " + name + " is closed: get it again from an open CacheManager");
        }
    }

    private void checkTypes(K key, V value) {
        steps.checkTypes(key, value);
    }
}
