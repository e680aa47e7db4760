package dev.statestore.jcache;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
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
 */
final class StateStoreCache<K, V> implements Cache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(StateStoreCache.class);

    private final StateStoreCacheManager manager;
    private final String name;
    private final String storeName;
    private final MutableConfiguration<K, V> configuration;
    private final StateStore store;
    private final StoreMap<Object, CacheValue> map;
    /** The store's directory: the key of {@link #OPEN}. */
    private final java.nio.file.Path storeDir;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final ExpiryDeadlines deadlines;
    /** Whether entries never expire (EternalExpiryPolicy): puts need not read the old entry's deadline. */
    private final boolean eternal;
    private final Listeners<K, V> listeners = new Listeners<>();
    private final CacheStatistics statistics;
    private final CacheManagement management;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * The open caches of this JVM, by store directory: a change made through one is delivered to the
     * listeners of every one (another CacheManager's too), since their journal subscriptions skip
     * this JVM's changes.
     */
    private static final Map<java.nio.file.Path, Set<StateStoreCache<?, ?>>> OPEN = new java.util.concurrent.ConcurrentHashMap<>();
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
        this.storeDir = store.dataDir().resolve(storeName);
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
        this.remote = new RemoteEvents<>(this, map, listeners);
        this.statistics = new CacheStatistics(this::liveEntries);
        this.management = new CacheManagement(this);
        if (!listeners.isEmpty()) {
            remote.start();
        }
        this.sweep = eternal ? null : ExpirySweep.every(sweepSeconds, this::sweepExpired);
        OPEN.computeIfAbsent(storeDir, d -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(this);
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
        long now = System.currentTimeMillis();
        CacheValue c = map.get(key);
        if (c != null && !c.expiredAt(now)) {
            touch(key, c, now);
            if (stats) {
                statistics.hit();
                statistics.getTime(System.nanoTime() - start);
            }
            return (V) c.value();
        }
        if (c != null) {
            expire(key, now, events);
        }
        if (stats) {
            statistics.miss();
        }
        V loaded = null;
        if (configuration.isReadThrough() && loader != null) {
            loaded = step(key, m -> {
                CacheValue current = m.get(key);
                long t = System.currentTimeMillis();
                if (current != null && !current.expiredAt(t)) {
                    return (V) current.value();
                }
                V value = load(key);
                if (value == null) {
                    return null;
                }
                long deadline = deadlines.creation(t);
                if (deadline > t) {
                    m.put(key, new CacheValue(CacheValue.CREATED, deadline, value));
                    events.add(event(EventType.CREATED, key, value, null));
                } else if (current != null) {
                    m.remove(key);
                }
                return value;
            });
        }
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
        }
        return loaded;
    }

    /** Applies the policy's expiry for an access to a live entry: a deadline-only write, which no listener hears. */
    private void touch(K key, CacheValue seen, long now) {
        if (eternal) {
            return; // EternalExpiryPolicy: an access never changes a deadline
        }
        long deadline = deadlines.access(seen.deadline(), now);
        if (deadline == seen.deadline()) {
            return;
        }
        step(key, m -> {
            CacheValue c = m.get(key);
            if (c != null && !c.expiredAt(now)) {
                m.put(key, new CacheValue(CacheValue.TOUCH, deadline, c.value()));
            }
            return null;
        });
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
                    expire(key, now, events);
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
        if (events.isEmpty()) {
            return;
        }
        Set<StateStoreCache<?, ?>> open = OPEN.get(storeDir);
        if (open != null && open.size() > 1) {
            for (StateStoreCache<?, ?> peer : open) {
                if (peer != this) {
                    peer.fromPeer(events);
                }
            }
        }
        listeners.dispatch(events);
    }

    /** Whether a listener of this or another open cache of this JVM on the store hears its changes. */
    private boolean listenedToInThisJvm() {
        if (!listeners.isEmpty()) {
            return true;
        }
        Set<StateStoreCache<?, ?>> open = OPEN.get(storeDir);
        if (open != null && open.size() > 1) {
            for (StateStoreCache<?, ?> peer : open) {
                if (!peer.listeners.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The events of a change made through another cache handle of this JVM on the same store. */
    @SuppressWarnings("unchecked")
    private void fromPeer(List<? extends CacheEvent<?, ?>> events) {
        if (listeners.isEmpty() || closed.get()) {
            return;
        }
        List<CacheEvent<K, V>> mine = new ArrayList<>(events.size());
        for (CacheEvent<?, ?> e : events) {
            mine.add(new CacheEvent<>(this, e.getEventType(), (K) e.getKey(), (V) e.getValue(), (V) e.getOldValue(),
                    e.isOldValueAvailable()));
        }
        try {
            listeners.dispatch(mine);
        } catch (RuntimeException e) {
            LOG.warn("cache {}: a listener failed on a change made through another CacheManager of this JVM", name, e);
        }
    }

    /** Removes the entry of {@code key} if it is (still) expired, reporting it. */
    @SuppressWarnings("unchecked")
    private void expire(K key, long now, List<CacheEvent<K, V>> events) {
        step(key, m -> {
            CacheValue c = m.get(key);
            if (c != null && c.expiredAt(now)) {
                m.remove(key);
                V old = (V) c.value();
                events.add(event(EventType.EXPIRED, key, old, old));
            }
            return null;
        });
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
        if (loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                List<K> toLoad = new ArrayList<>();
                for (K key : keys) {
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                Map<K, V> loaded;
                try {
                    @SuppressWarnings("unchecked")
                    Map<K, V> l = (Map<K, V>) loader.loadAll(toLoad);
                    loaded = l == null ? Map.of() : l;
                } catch (CacheLoaderException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CacheLoaderException("the CacheLoader of cache " + name + " failed: " + e, e);
                }
                Map<K, V> present = new HashMap<>();
                for (K key : toLoad) {
                    V v = loaded.get(key);
                    if (v != null) {
                        present.put(key, v);
                    }
                }
                putAll(present, replaceExistingValues, false);
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (Exception e) {
                if (completionListener != null) {
                    completionListener.onException(e);
                }
            }
        });
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(K key, V value) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        if (eternal && !listenedToInThisJvm() && !(configuration.isWriteThrough() && writer != null)) {
            // nothing here needs the old value: one compute, as cheap as StoreMap.put, still telling
            // other processes' listeners a creation from an update
            long now = System.currentTimeMillis();
            map.compute(key, (k, old) -> old == null || old.expiredAt(now)
                    ? new CacheValue(CacheValue.CREATED, CacheValue.ETERNAL, value)
                    : new CacheValue(0, old.deadline(), value)); // an update keeps the deadline (getExpiryForUpdate is null)
            if (stats) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
            return;
        }
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        Boolean stored = step(key, m -> putStep(m, key, value, true, true, events) != Put.NONE);
        if (stats && stored) {
            statistics.put();
            statistics.putTime(System.nanoTime() - start);
        }
        dispatch(events);
    }

    private enum Put { NONE, CREATED, UPDATED }

    /** The put of {@code key -> value} under the key's step; the previous live value is left in {@code old[0]}. */
    @SuppressWarnings("unchecked")
    private Put putStep(Map<Object, CacheValue> m, K key, V value, boolean replaceExisting, boolean writeThrough,
                        List<CacheEvent<K, V>> events) {
        long now = System.currentTimeMillis();
        CacheValue c = m.get(key);
        boolean expired = c != null && c.expiredAt(now);
        if (c == null || expired) {
            if (writeThrough) {
                write(key, value);
            }
            if (expired) {
                events.add(event(EventType.EXPIRED, key, (V) c.value(), (V) c.value()));
            }
            long deadline = deadlines.creation(now);
            if (deadline <= now) {
                if (expired) {
                    m.remove(key);
                }
                return Put.NONE;
            }
            m.put(key, new CacheValue(CacheValue.CREATED, deadline, value));
            events.add(event(EventType.CREATED, key, value, null));
            return Put.CREATED;
        }
        if (!replaceExisting) {
            return Put.NONE;
        }
        V old = (V) c.value();
        if (writeThrough) {
            write(key, value);
        }
        m.put(key, new CacheValue(0, deadlines.update(c.deadline(), now), value));
        events.add(event(EventType.UPDATED, key, value, old));
        return Put.UPDATED;
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
        step(key, m -> {
            CacheValue c = m.get(key);
            result[0] = c == null || c.expiredAt(System.currentTimeMillis()) ? null : c.value();
            result[1] = putStep(m, key, value, true, true, events);
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
        putAll(entries, true, true);
    }

    private void putAll(Map<? extends K, ? extends V> entries, boolean replaceExisting, boolean writeThrough) {
        Objects.requireNonNull(entries, "map");
        if (entries.containsKey(null)) {
            throw new NullPointerException("a key is null");
        }
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            checkTypes(e.getKey(), e.getValue());
        }
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        Map<K, V> toPut = new HashMap<>(entries);
        CacheWriterException failure = null;
        if (writeThrough && configuration.isWriteThrough() && writer != null) {
            List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            for (Map.Entry<K, V> e : toPut.entrySet()) {
                toWrite.add(new SimpleEntry<>(e.getKey(), e.getValue()));
            }
            try {
                writer.writeAll(toWrite);
            } catch (CacheWriterException e) {
                failure = e;
            } catch (Exception e) {
                failure = new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
            for (Cache.Entry<? extends K, ? extends V> notWritten : toWrite) {
                toPut.remove(notWritten.getKey());
            }
        }
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        long puts = 0;
        for (Map.Entry<K, V> e : toPut.entrySet()) {
            Put p = step(e.getKey(), m -> putStep(m, e.getKey(), e.getValue(), replaceExisting, false, events));
            if (p != Put.NONE) {
                puts++;
            }
        }
        if (stats && puts > 0 && writeThrough) {
            statistics.puts(puts);
            statistics.putTime(System.nanoTime() - start);
        }
        dispatch(events);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        boolean[] present = new boolean[1];
        Put p = step(key, m -> {
            CacheValue c = m.get(key);
            present[0] = c != null && !c.expiredAt(System.currentTimeMillis());
            return putStep(m, key, value, false, true, events);
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

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        boolean removed = step(key, m -> {
            delete(key);
            CacheValue c = m.get(key);
            if (c == null) {
                return false;
            }
            m.remove(key);
            V old = (V) c.value();
            if (c.expiredAt(System.currentTimeMillis())) {
                events.add(event(EventType.EXPIRED, key, old, old));
                return false;
            }
            events.add(event(EventType.REMOVED, key, old, old));
            return true;
        });
        if (stats && removed) {
            statistics.removal();
            statistics.removeTime(System.nanoTime() - start);
        }
        dispatch(events);
        return removed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(K key, V oldValue) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        int[] outcome = new int[1]; // 0 miss, 1 hit not removed, 2 removed
        step(key, m -> {
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c == null || c.expiredAt(now)) {
                expireIn(m, key, c, now, events);
                return null;
            }
            if (Objects.deepEquals(c.value(), oldValue)) {
                delete(key);
                m.remove(key);
                events.add(event(EventType.REMOVED, key, (V) c.value(), (V) c.value()));
                outcome[0] = 2;
            } else {
                outcome[0] = 1;
                touchIn(m, key, c, now);
            }
            return null;
        });
        if (stats) {
            if (outcome[0] == 2) {
                statistics.removal();
                statistics.removeTime(System.nanoTime() - start);
            }
            statistics.getTime(System.nanoTime() - start);
            if (outcome[0] > 0) {
                statistics.hit();
            } else {
                statistics.miss();
            }
        }
        dispatch(events);
        return outcome[0] == 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getAndRemove(K key) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        V result = step(key, m -> {
            delete(key);
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c == null || c.expiredAt(now)) {
                expireIn(m, key, c, now, events);
                return null;
            }
            m.remove(key);
            V old = (V) c.value();
            events.add(event(EventType.REMOVED, key, old, old));
            return old;
        });
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
            if (result != null) {
                statistics.hit();
                statistics.removal();
                statistics.removeTime(System.nanoTime() - start);
            } else {
                statistics.miss();
            }
        }
        dispatch(events);
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean replace(K key, V oldValue, V newValue) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldValue, "oldValue");
        checkTypes(key, newValue);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        int[] outcome = new int[1];
        step(key, m -> {
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c == null || c.expiredAt(now)) {
                expireIn(m, key, c, now, events);
                return null;
            }
            if (Objects.deepEquals(c.value(), oldValue)) {
                write(key, newValue);
                m.put(key, new CacheValue(0, deadlines.update(c.deadline(), now), newValue));
                events.add(event(EventType.UPDATED, key, newValue, (V) c.value()));
                outcome[0] = 2;
            } else {
                touchIn(m, key, c, now);
                outcome[0] = 1;
            }
            return null;
        });
        if (stats) {
            if (outcome[0] == 2) {
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            }
            statistics.getTime(System.nanoTime() - start);
            if (outcome[0] > 0) {
                statistics.hit();
            } else {
                statistics.miss();
            }
        }
        dispatch(events);
        return outcome[0] == 2;
    }

    @Override
    public boolean replace(K key, V value) {
        return getAndReplace(key, value, false) != null;
    }

    @Override
    public V getAndReplace(K key, V value) {
        return getAndReplace(key, value, true);
    }

    @SuppressWarnings("unchecked")
    private V getAndReplace(K key, V value, boolean countGet) {
        ensureOpen();
        checkTypes(key, value);
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        V old = step(key, m -> {
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c == null || c.expiredAt(now)) {
                expireIn(m, key, c, now, events);
                return null;
            }
            write(key, value);
            m.put(key, new CacheValue(0, deadlines.update(c.deadline(), now), value));
            events.add(event(EventType.UPDATED, key, value, (V) c.value()));
            return (V) c.value();
        });
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
            if (old != null) {
                statistics.hit();
                statistics.put();
                statistics.putTime(System.nanoTime() - start);
            } else {
                statistics.miss();
            }
        }
        dispatch(events);
        return old;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys");
        if (keys.contains(null)) {
            throw new NullPointerException("keys contains a null");
        }
        removeKeys(new LinkedHashSet<>(keys));
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
        removeKeys(keys);
    }

    @SuppressWarnings("unchecked")
    private void removeKeys(Set<K> keys) {
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        CacheWriterException failure = null;
        Set<K> toRemove = new LinkedHashSet<>(keys);
        if (configuration.isWriteThrough() && writer != null && !keys.isEmpty()) {
            Set<K> notDeleted = new LinkedHashSet<>(keys);
            try {
                writer.deleteAll(notDeleted);
            } catch (CacheWriterException e) {
                failure = e;
            } catch (Exception e) {
                failure = new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
            toRemove.removeAll(notDeleted);
        }
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        long removed = 0;
        for (K key : toRemove) {
            boolean r = step(key, m -> {
                CacheValue c = m.get(key);
                if (c == null) {
                    return false;
                }
                m.remove(key);
                V old = (V) c.value();
                if (c.expiredAt(System.currentTimeMillis())) {
                    events.add(event(EventType.EXPIRED, key, old, old));
                    return false;
                }
                events.add(event(EventType.REMOVED, key, old, old));
                return true;
            });
            if (r) {
                removed++;
            }
        }
        if (stats && removed > 0) {
            for (long i = 0; i < removed; i++) {
                statistics.removal();
            }
            statistics.removeTime(System.nanoTime() - start);
        }
        dispatch(events);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        ensureOpen();
        map.clear();
    }

    // ------------------------------------------------------------------ entry processors

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        ensureOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(processor, "entryProcessor");
        boolean stats = statisticsEnabled();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        T result = step(key, m -> {
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c != null && c.expiredAt(now)) {
                expireIn(m, key, c, now, events);
                c = null;
            }
            if (stats) {
                if (c == null) {
                    statistics.miss();
                } else {
                    statistics.hit();
                }
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, c == null ? null : (V) c.value(),
                    configuration.isReadThrough() ? loader : null);
            T r;
            try {
                r = processor.process(entry, arguments);
            } catch (CacheException e) {
                throw e;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // an Error of the processor's too (IllegalAccessError in the TCK): the entry stays as it was
                throw new EntryProcessorException(e);
            }
            switch (entry.operation()) {
                case ACCESS:
                    if (c != null) {
                        touchIn(m, key, c, now);
                    }
                    break;
                case CREATE:
                case LOAD: {
                    if (entry.operation() == ProcessorEntry.Operation.CREATE) {
                        write(key, entry.value());
                    }
                    long deadline = deadlines.creation(now);
                    if (deadline > now) {
                        m.put(key, new CacheValue(CacheValue.CREATED, deadline, entry.value()));
                        events.add(event(EventType.CREATED, key, entry.value(), null));
                        if (stats && entry.operation() == ProcessorEntry.Operation.CREATE) {
                            statistics.put();
                        }
                    }
                    break;
                }
                case UPDATE:
                    write(key, entry.value());
                    m.put(key, new CacheValue(0, deadlines.update(c.deadline(), now), entry.value()));
                    events.add(event(EventType.UPDATED, key, entry.value(), (V) c.value()));
                    if (stats) {
                        statistics.put();
                    }
                    break;
                case REMOVE:
                    delete(key);
                    if (c != null) {
                        m.remove(key);
                        events.add(event(EventType.REMOVED, key, (V) c.value(), (V) c.value()));
                        if (stats) {
                            statistics.removal();
                        }
                    }
                    break;
                default:
                    break;
            }
            return r;
        });
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
        }
        dispatch(events);
        return result;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
                                                         Object... arguments) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(processor, "entryProcessor");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T t = invoke(key, processor, arguments);
                if (t != null) {
                    results.put(key, () -> t);
                }
            } catch (Exception e) {
                EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
    }

    // ------------------------------------------------------------------ iteration

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        ensureOpen();
        Iterator<Map.Entry<Object, CacheValue>> it = map.entrySet().iterator();
        long now = System.currentTimeMillis();
        return new Iterator<>() {
            private Cache.Entry<K, V> next;
            private Cache.Entry<K, V> last;

            @Override
            @SuppressWarnings("unchecked")
            public boolean hasNext() {
                while (next == null && it.hasNext()) {
                    Map.Entry<Object, CacheValue> e = it.next();
                    if (!e.getValue().expiredAt(now)) {
                        boolean stats = statisticsEnabled();
                        long start = stats ? System.nanoTime() : 0;
                        next = new SimpleEntry<>((K) e.getKey(), (V) e.getValue().value());
                        touch((K) e.getKey(), e.getValue(), now);
                        if (stats) {
                            statistics.hit();
                            statistics.getTime(System.nanoTime() - start);
                        }
                    }
                }
                return next != null;
            }

            @Override
            public Cache.Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                last = next;
                next = null;
                return last;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("call next() before remove()");
                }
                K key = last.getKey();
                last = null;
                StateStoreCache.this.remove(key);
            }
        };
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
        OPEN.computeIfPresent(storeDir, (d, open) -> {
            open.remove(this);
            return open.isEmpty() ? null : open;
        });
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
        if (o instanceof Closeable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("cache {}: closing {} failed", name, o.getClass().getName(), e);
            }
        } else if (o instanceof AutoCloseable c) {
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

    /** Runs {@code action} on {@code key} as one atomic step (the key's stripe held in every process). */
    private <R> R step(K key, Function<Map<Object, CacheValue>, R> action) {
        return map.atomically(Set.of(key), action);
    }

    private void checkTypes(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Class<K> kt = configuration.getKeyType();
        Class<V> vt = configuration.getValueType();
        if (kt != Object.class && !kt.isInstance(key)) {
            throw new ClassCastException("key " + key + " is not a " + kt.getName() + ", the key type of cache " + name);
        }
        if (vt != Object.class && !vt.isInstance(value)) {
            throw new ClassCastException("value " + value + " is not a " + vt.getName() + ", the value type of cache " + name);
        }
    }

    private CacheEvent<K, V> event(EventType type, K key, V value, V old) {
        return new CacheEvent<>(this, type, key, value, old, old != null);
    }

    /** Inside a step: reports and removes an expired entry ({@code c} may be null or live: then nothing). */
    @SuppressWarnings("unchecked")
    private void expireIn(Map<Object, CacheValue> m, K key, CacheValue c, long now, List<CacheEvent<K, V>> events) {
        if (c != null && c.expiredAt(now)) {
            m.remove(key);
            events.add(event(EventType.EXPIRED, key, (V) c.value(), (V) c.value()));
        }
    }

    /** Inside a step: the access expiry of a live entry. */
    private void touchIn(Map<Object, CacheValue> m, K key, CacheValue c, long now) {
        long deadline = deadlines.access(c.deadline(), now);
        if (deadline != c.deadline()) {
            m.put(key, new CacheValue(CacheValue.TOUCH, deadline, c.value()));
        }
    }

    private V load(K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("the CacheLoader of cache " + name + " failed: " + e, e);
        }
    }

    private void write(K key, V value) {
        if (configuration.isWriteThrough() && writer != null) {
            try {
                writer.write(new SimpleEntry<>(key, value));
            } catch (CacheWriterException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
        }
    }

    private void delete(K key) {
        if (configuration.isWriteThrough() && writer != null) {
            try {
                writer.delete(key);
            } catch (CacheWriterException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
        }
    }

    /** A cache entry handed to writers and iterators. */
    record SimpleEntry<K, V>(K getKey, V getValue) implements Cache.Entry<K, V> {
        @Override
        public <T> T unwrap(Class<T> type) {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("a cache entry cannot be unwrapped to " + type.getName());
        }
    }
}
