package dev.statestore.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/** A cache entry event as listeners receive it. */
final class CacheEvent<K, V> extends CacheEntryEvent<K, V> {
    private static final long serialVersionUID = 1L;

    private final K key;
    private final V value;
    private final V oldValue;
    private final boolean oldValueAvailable;

    CacheEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean oldValueAvailable) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a cache entry event cannot be unwrapped to " + clazz);
    }

    /** This event as a listener that did (or did not) ask for old values sees it. */
    @SuppressWarnings("unchecked")
    CacheEvent<K, V> forListener(boolean oldValueRequired) {
        Cache<K, V> source = (Cache<K, V>) getSource();
        if (oldValueRequired) {
            return this;
        }
        EventType t = getEventType();
        if (t == EventType.REMOVED || t == EventType.EXPIRED) {
            return new CacheEvent<>(source, t, key, null, null, false);
        }
        return new CacheEvent<>(source, t, key, value, null, false);
    }

    @Override
    public String toString() {
        return getEventType() + " " + key + " = " + value + " (old " + oldValue + ")";
    }
}
