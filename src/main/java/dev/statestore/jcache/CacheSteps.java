package dev.statestore.jcache;

import dev.statestore.AtomicMap;
import dev.statestore.StoreMap;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.event.EventType;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * The changes a cache makes to one key, each inside one atomic step (see {@link #step}): puts,
 * the conditional removals and replacements, expiry and access deadlines, and the loader and
 * writer calls that run under the key's stripe. The events a step produces are collected in a list
 * the caller delivers after the step; statistics stay with the caller.
 */
final class CacheSteps<K, V> {
    /** What a put did. */
    enum Put { NONE, CREATED, UPDATED }

    /** What a {@link #change} found: no live entry, a live entry it left (its value differed), or a live entry it changed. */
    enum Found { MISS, HIT, CHANGED }

    /** The outcome of a {@link #change}: what it found, and the live value it found (null on a miss). */
    record Change<V>(Found found, V old) {
        boolean changed() {
            return found == Found.CHANGED;
        }
    }

    private final Cache<K, V> source;
    private final String name;
    private final StoreMap<Object, CacheValue> map;
    private final CompleteConfiguration<K, V> configuration;
    private final ExpiryDeadlines deadlines;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;

    CacheSteps(Cache<K, V> source, String name, StoreMap<Object, CacheValue> map, CompleteConfiguration<K, V> configuration,
               ExpiryDeadlines deadlines, CacheLoader<K, V> loader, CacheWriter<K, V> writer) {
        this.source = source;
        this.name = name;
        this.map = map;
        this.configuration = configuration;
        this.deadlines = deadlines;
        this.loader = loader;
        this.writer = writer;
    }

    /**
     * Runs {@code action} on {@code key} as one atomic step (the key's stripe held in every
     * process). The step removes an entry it finds expired with {@link AtomicMap#expire}, so the
     * journal records an expiry and other processes' listeners hear it as {@code EXPIRED}: the
     * deadline is kept in the {@link CacheValue}, where the store's own expiry does not see it.
     */
    <R> R step(K key, Function<AtomicMap<Object, CacheValue>, R> action) {
        return map.atomically(Set.of(key), action);
    }

    /** Inside a step: the put of {@code key -> value}. */
    @SuppressWarnings("unchecked")
    Put put(AtomicMap<Object, CacheValue> m, K key, V value, boolean replaceExisting, boolean writeThrough, List<CacheEvent<K, V>> events) {
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
            if (create(m, key, value, now, events)) {
                return Put.CREATED;
            }
            if (expired) {
                m.expire(key);
            }
            return Put.NONE;
        }
        if (!replaceExisting) {
            return Put.NONE;
        }
        if (writeThrough) {
            write(key, value);
        }
        update(m, key, c, value, now, events);
        return Put.UPDATED;
    }

    /**
     * Inside a step: the removals and replacements of the {@code Cache} API in one shape. A live
     * entry whose value equals {@code expected} (any live entry when {@code expected} is null) is
     * removed ({@code replacement} null) or replaced; one whose value differs is left and counts as
     * an access; an expired one is removed and reported expired. An unconditional removal
     * ({@code expected} and {@code replacement} null) is written through whether or not there is an
     * entry, as {@code remove(key)} and {@code getAndRemove} are specified; the others only when
     * they change the entry. {@code writeThrough} false: the caller wrote through in bulk.
     */
    @SuppressWarnings("unchecked")
    Change<V> change(AtomicMap<Object, CacheValue> m, K key, V expected, V replacement, boolean writeThrough,
                     List<CacheEvent<K, V>> events) {
        if (writeThrough && expected == null && replacement == null) {
            delete(key);
        }
        long now = System.currentTimeMillis();
        CacheValue c = m.get(key);
        if (c == null || c.expiredAt(now)) {
            expireIn(m, key, c, now, events);
            return new Change<>(Found.MISS, null);
        }
        V old = (V) c.value();
        if (expected != null && !Objects.deepEquals(old, expected)) {
            touchIn(m, key, c, now);
            return new Change<>(Found.HIT, old);
        }
        if (replacement == null) {
            if (writeThrough && expected != null) {
                delete(key);
            }
            m.remove(key);
            events.add(event(EventType.REMOVED, key, old, old));
        } else {
            if (writeThrough) {
                write(key, replacement);
            }
            update(m, key, c, replacement, now, events);
        }
        return new Change<>(Found.CHANGED, old);
    }

    /** Removes the entry of {@code key} if it is (still) expired, reporting it: a step of its own. */
    void expire(K key, long now, List<CacheEvent<K, V>> events) {
        step(key, m -> {
            expireIn(m, key, m.get(key), now, events);
            return null;
        });
    }

    /** Inside a step: reports and removes an expired entry ({@code c} may be null or live: then nothing). */
    @SuppressWarnings("unchecked")
    void expireIn(AtomicMap<Object, CacheValue> m, K key, CacheValue c, long now, List<CacheEvent<K, V>> events) {
        if (c != null && c.expiredAt(now)) {
            m.expire(key);
            events.add(event(EventType.EXPIRED, key, (V) c.value(), (V) c.value()));
        }
    }

    /** Applies the policy's expiry for an access to a live entry: a deadline-only write, which no listener hears. */
    void touch(K key, CacheValue seen, long now) {
        if (deadlines.eternal()) {
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

    /** Inside a step: the access expiry of a live entry. */
    void touchIn(AtomicMap<Object, CacheValue> m, K key, CacheValue c, long now) {
        long deadline = deadlines.access(c.deadline(), now);
        if (deadline != c.deadline()) {
            m.put(key, new CacheValue(CacheValue.TOUCH, deadline, c.value()));
        }
    }

    /** Inside a step: creates the entry {@code key -> value} if the policy gives it a deadline after {@code now}. */
    boolean create(AtomicMap<Object, CacheValue> m, K key, V value, long now, List<CacheEvent<K, V>> events) {
        long deadline = deadlines.creation(now);
        if (deadline <= now) {
            return false;
        }
        m.put(key, new CacheValue(CacheValue.CREATED, deadline, value));
        events.add(event(EventType.CREATED, key, value, null));
        return true;
    }

    /** Inside a step: replaces the live entry {@code c} of {@code key} by {@code value}. */
    @SuppressWarnings("unchecked")
    void update(AtomicMap<Object, CacheValue> m, K key, CacheValue c, V value, long now, List<CacheEvent<K, V>> events) {
        m.put(key, new CacheValue(0, deadlines.update(c.deadline(), now), value));
        events.add(event(EventType.UPDATED, key, value, (V) c.value()));
    }

    V load(K key) {
        try {
            return loader.load(key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheLoaderException("the CacheLoader of cache " + name + " failed: " + e, e);
        }
    }

    void write(K key, V value) {
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

    void delete(K key) {
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

    /** Refuses a null key or value, or one not of the cache's configured types. */
    void checkTypes(K key, V value) {
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

    CacheEvent<K, V> event(EventType type, K key, V value, V old) {
        return new CacheEvent<>(source, type, key, value, old, old != null);
    }
}
