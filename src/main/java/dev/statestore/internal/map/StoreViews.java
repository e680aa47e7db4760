package dev.statestore.internal.map;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The entry set, key set and values of a store. They write through and iterate weakly consistent
 * (see {@link SegmentSnapshots}). They compare keys and values by their encoded bytes, as the map
 * does: {@link AbstractMap}'s {@code keySet()} and {@code values()} would remove by
 * {@code equals()}, which for {@code byte[]} is identity, so {@code values().remove(bytes)} found
 * nothing although {@code values().contains(bytes)} was true.
 */
final class StoreViews<K, V, KS, VS> {
    private final ChronicleStoreMap<K, V, KS, VS> store;
    final EntrySet entrySet = new EntrySet();
    final KeySet keySet = new KeySet();
    final Values values = new Values();

    StoreViews(ChronicleStoreMap<K, V, KS, VS> store) {
        this.store = store;
    }

    final class EntrySet extends AbstractSet<Map.Entry<K, V>> {
        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new StoreIterator<>() {
                @Override
                Map.Entry<K, V> convert(Map.Entry<KS, VS> e) {
                    return new WriteThroughEntry(store.keys.fromStored(e.getKey()), store.values.fromStored(e.getValue()));
                }
            };
        }

        @Override
        public int size() {
            return store.size();
        }

        @Override
        public boolean isEmpty() {
            return store.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            V current = store.get(e.getKey());
            return current != null && valueEquals(current, e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                    && store.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            store.clear();
        }
    }

    final class KeySet extends AbstractSet<K> {
        @Override
        public Iterator<K> iterator() {
            return new StoreIterator<>() {
                @Override
                K convert(Map.Entry<KS, VS> e) {
                    return store.keys.fromStored(e.getKey());
                }
            };
        }

        @Override
        public int size() {
            return store.size();
        }

        @Override
        public boolean isEmpty() {
            return store.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return store.containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return store.remove(o) != null;
        }

        @Override
        public void clear() {
            store.clear();
        }
    }

    final class Values extends AbstractCollection<V> {
        @Override
        public Iterator<V> iterator() {
            return new StoreIterator<>() {
                @Override
                V convert(Map.Entry<KS, VS> e) {
                    return store.values.fromStored(e.getValue());
                }
            };
        }

        @Override
        public int size() {
            return store.size();
        }

        @Override
        public boolean isEmpty() {
            return store.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return store.containsValue(o);
        }

        /** Removes one entry holding {@code o}; atomic per entry, as {@code remove(key, value)}. */
        @Override
        public boolean remove(Object o) {
            Objects.requireNonNull(o, "value");
            if (!store.values.codec.type().isInstance(o)) {
                return false;
            }
            VS target = store.values.toStored(store.values.codec.type().cast(o));
            for (Iterator<Map.Entry<KS, VS>> it = store.snapshots(false); it.hasNext(); ) {
                Map.Entry<KS, VS> e = it.next();
                if (store.sameStored(e.getValue(), target) && store.removeStored(e.getKey(), target)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void clear() {
            store.clear();
        }
    }

    private boolean valueEquals(V current, Object other) {
        if (!store.values.codec.type().isInstance(other)) {
            return false;
        }
        return Arrays.equals(store.values.codec.encode(current), store.values.codec.encode(store.values.codec.type().cast(other)));
    }

    /** Iterates the store's entries, weakly consistent; {@code remove} removes the last key returned. */
    private abstract class StoreIterator<T> implements Iterator<T> {
        private final Iterator<Map.Entry<KS, VS>> delegate = store.snapshots(false);
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
                store.locked(k, () -> store.map.remove(k), ChronicleStoreMap.NOT_GROWN);
            } finally {
                lastKey = null;
                store.synced();
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
            store.put(getKey(), value);
            return super.setValue(value);
        }
    }
}
