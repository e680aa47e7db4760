package dev.statestore.internal.map;

import dev.statestore.AtomicMap;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The map an {@code atomically} action sees: the chosen keys only, read once under their stripes,
 * with every change buffered until the action returns.
 */
final class AtomicBatch<K, V> extends AbstractMap<K, V> implements AtomicMap<K, V> {
    private final Set<? extends K> allowed;
    private final Map<K, V> current;
    /** Changes in order: a null value is a removal. */
    private final Map<K, V> changes = new LinkedHashMap<>();
    /** The removals of {@link #changes} made by {@link #expire}: journaled as EXPIRE. */
    private final Set<K> expired = new HashSet<>();

    AtomicBatch(Set<? extends K> allowed, Map<K, V> current) {
        this.allowed = allowed;
        this.current = current;
    }

    Map<K, V> changes() {
        return changes;
    }

    /** Whether the removal of {@code key} in {@link #changes} is an expiry. */
    boolean expired(K key) {
        return expired.contains(key);
    }

    private K check(Object key) {
        Objects.requireNonNull(key, "key");
        if (!allowed.contains(key)) {
            throw new IllegalArgumentException("key " + key + " is not one of the keys given to atomically(): " + allowed);
        }
        @SuppressWarnings("unchecked")
        K k = (K) key;
        return k;
    }

    @Override
    public V get(Object key) {
        return current.get(check(key));
    }

    @Override
    public boolean containsKey(Object key) {
        return current.containsKey(check(key));
    }

    @Override
    public V put(K key, V value) {
        Objects.requireNonNull(value, "value");
        K k = check(key);
        changes.put(k, value);
        expired.remove(k);
        return current.put(k, value);
    }

    @Override
    public V remove(Object key) {
        K k = check(key);
        if (!current.containsKey(k)) {
            return null;
        }
        changes.put(k, null);
        expired.remove(k);
        return current.remove(k);
    }

    @Override
    public V expire(K key) {
        V removed = remove(key);
        if (removed != null) {
            expired.add(key);
        }
        return removed;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                Iterator<Entry<K, V>> it = current.entrySet().iterator();
                return new Iterator<>() {
                    private Entry<K, V> last;

                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Entry<K, V> next() {
                        last = it.next();
                        return new SimpleImmutableEntry<>(last.getKey(), last.getValue());
                    }

                    @Override
                    public void remove() {
                        changes.put(last.getKey(), null);
                        expired.remove(last.getKey());
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return current.size();
            }
        };
    }
}
