package dev.statestore.jcache;

import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@code EntryProcessor} sees: it records what the processor did (read, create,
 * load, update, remove), which the cache then applies in the same atomic step.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
    /** What the processor did to the entry, last action winning. */
    enum Operation { NONE, ACCESS, CREATE, LOAD, UPDATE, REMOVE }

    private final K key;
    private final V existing; // the live value before the processor ran, or null
    private final CacheLoader<K, V> loader; // null unless read-through
    private V value;
    private Operation operation = Operation.NONE;

    ProcessorEntry(K key, V existing, CacheLoader<K, V> loader) {
        this.key = key;
        this.existing = existing;
        this.loader = loader;
    }

    Operation operation() {
        return operation;
    }

    V value() {
        return value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (operation == Operation.NONE) {
            value = existing;
        }
        if (value != null) {
            if (operation == Operation.NONE) {
                operation = Operation.ACCESS;
            }
        } else if (loader != null) {
            try {
                value = loader.load(key);
            } catch (CacheLoaderException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheLoaderException("the CacheLoader failed for key " + key + ": " + e, e);
            }
            if (value != null) {
                operation = Operation.LOAD;
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return (operation == Operation.NONE && existing != null) || value != null;
    }

    @Override
    public void remove() {
        operation = operation == Operation.CREATE || operation == Operation.LOAD ? Operation.NONE : Operation.REMOVE;
        value = null;
    }

    @Override
    public void setValue(V newValue) {
        if (newValue == null) {
            throw new NullPointerException("value");
        }
        operation = existing == null ? Operation.CREATE : Operation.UPDATE;
        value = newValue;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("an entry processor's entry cannot be unwrapped to " + type.getName());
    }
}
