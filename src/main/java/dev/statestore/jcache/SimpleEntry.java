package dev.statestore.jcache;

import javax.cache.Cache;

/** A cache entry handed to writers and iterators: a copy, unconnected to the store. */
record SimpleEntry<K, V>(K getKey, V getValue) implements Cache.Entry<K, V> {
    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("a cache entry cannot be unwrapped to " + type.getName());
    }
}
