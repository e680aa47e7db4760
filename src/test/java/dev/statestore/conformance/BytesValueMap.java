package dev.statestore.conformance;

import dev.statestore.StoreMap;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A thin view of a {@code StoreMap<K, byte[]>} whose values are {@link Bytes}, so that a contract
 * suite written in terms of {@code equals} can check it.
 *
 * <p>Why: {@code byte[]} has identity {@code equals}, and a store hands out a new array on every
 * read, so no {@code equals}-based suite can check a {@code byte[]}-valued map directly (the
 * store itself compares values by their bytes: {@code containsValue}, {@code remove(k, v)},
 * {@code replace(k, old, new)}). This adapter only converts: every single-element operation,
 * every view and every iterator step is the store's own, called with {@code byte[]} arguments.
 * Only what is defined in terms of value {@code equals} is the adapter's: the map's and its
 * entries' {@code equals}/{@code hashCode}/{@code toString}, and the bulk view operations
 * ({@code removeAll}, {@code retainAll}, {@code containsAll}, {@code toArray}), which
 * {@code AbstractCollection} builds from this view's iterator (hence the store's
 * {@code Iterator.remove}) and {@code contains}.
 */
public final class BytesValueMap<K> extends AbstractMap<K, Bytes> implements ConcurrentMap<K, Bytes> {
    private final StoreMap<K, byte[]> store;

    public BytesValueMap(StoreMap<K, byte[]> store) {
        this.store = store;
    }

    private static Bytes wrap(byte[] value) {
        return value == null ? null : Bytes.copyOf(value);
    }

    /** {@code Bytes} to its array; anything else (null, another type) is passed on for the store to judge. */
    private static Object unwrap(Object value) {
        return value instanceof Bytes ? ((Bytes) value).toArray() : value;
    }

    private static byte[] array(Bytes value) {
        return value == null ? null : value.toArray();
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
    public boolean containsKey(Object key) {
        return store.containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return store.containsValue(unwrap(value));
    }

    @Override
    public Bytes get(Object key) {
        return wrap(store.get(key));
    }

    @Override
    public Bytes getOrDefault(Object key, Bytes defaultValue) {
        return wrap(store.getOrDefault(key, array(defaultValue)));
    }

    @Override
    public Bytes put(K key, Bytes value) {
        return wrap(store.put(key, array(value)));
    }

    @Override
    public void putAll(Map<? extends K, ? extends Bytes> m) {
        Map<K, byte[]> arrays = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> arrays.put(k, array(v)));
        store.putAll(arrays);
    }

    @Override
    public Bytes remove(Object key) {
        return wrap(store.remove(key));
    }

    @Override
    public void clear() {
        store.clear();
    }

    @Override
    public Bytes putIfAbsent(K key, Bytes value) {
        return wrap(store.putIfAbsent(key, array(value)));
    }

    @Override
    public boolean remove(Object key, Object value) {
        return store.remove(key, unwrap(value));
    }

    @Override
    public boolean replace(K key, Bytes oldValue, Bytes newValue) {
        return store.replace(key, array(oldValue), array(newValue));
    }

    @Override
    public Bytes replace(K key, Bytes value) {
        return wrap(store.replace(key, array(value)));
    }

    @Override
    public Bytes computeIfAbsent(K key, Function<? super K, ? extends Bytes> f) {
        Objects.requireNonNull(f);
        return wrap(store.computeIfAbsent(key, k -> array(f.apply(k))));
    }

    @Override
    public Bytes computeIfPresent(K key, BiFunction<? super K, ? super Bytes, ? extends Bytes> f) {
        Objects.requireNonNull(f);
        return wrap(store.computeIfPresent(key, (k, v) -> array(f.apply(k, wrap(v)))));
    }

    @Override
    public Bytes compute(K key, BiFunction<? super K, ? super Bytes, ? extends Bytes> f) {
        Objects.requireNonNull(f);
        return wrap(store.compute(key, (k, v) -> array(f.apply(k, wrap(v)))));
    }

    @Override
    public Bytes merge(K key, Bytes value, BiFunction<? super Bytes, ? super Bytes, ? extends Bytes> f) {
        Objects.requireNonNull(f);
        return wrap(store.merge(key, array(value), (a, b) -> array(f.apply(wrap(a), wrap(b)))));
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super Bytes> action) {
        Objects.requireNonNull(action);
        store.forEach((k, v) -> action.accept(k, wrap(v)));
    }

    @Override
    public void replaceAll(BiFunction<? super K, ? super Bytes, ? extends Bytes> f) {
        Objects.requireNonNull(f);
        store.replaceAll((k, v) -> array(f.apply(k, wrap(v))));
    }

    @Override
    public Set<K> keySet() {
        return store.keySet();
    }

    @Override
    public Collection<Bytes> values() {
        Collection<byte[]> values = store.values();
        return new AbstractCollection<>() {
            @Override
            public Iterator<Bytes> iterator() {
                Iterator<byte[]> it = values.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Bytes next() {
                        return wrap(it.next());
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return values.size();
            }

            @Override
            public boolean isEmpty() {
                return values.isEmpty();
            }

            @Override
            public boolean contains(Object o) {
                return values.contains(unwrap(o));
            }

            @Override
            public boolean remove(Object o) {
                return values.remove(unwrap(o));
            }

            @Override
            public void clear() {
                values.clear();
            }
        };
    }

    @Override
    public Set<Map.Entry<K, Bytes>> entrySet() {
        Set<Map.Entry<K, byte[]>> entries = store.entrySet();
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<K, Bytes>> iterator() {
                Iterator<Map.Entry<K, byte[]>> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<K, Bytes> next() {
                        return new BytesEntry<>(it.next());
                    }

                    @Override
                    public void remove() {
                        it.remove();
                    }
                };
            }

            @Override
            public int size() {
                return entries.size();
            }

            @Override
            public boolean isEmpty() {
                return entries.isEmpty();
            }

            @Override
            public boolean contains(Object o) {
                return entries.contains(unwrapEntry(o));
            }

            @Override
            public boolean remove(Object o) {
                return entries.remove(unwrapEntry(o));
            }

            @Override
            public void clear() {
                entries.clear();
            }
        };
    }

    private static Object unwrapEntry(Object o) {
        if (!(o instanceof Map.Entry)) {
            return o;
        }
        Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
        return new SimpleImmutableEntry<>(e.getKey(), unwrap(e.getValue()));
    }

    /** An entry of the store's entry set, its value shown as {@link Bytes}; {@code setValue} is the store entry's. */
    private static final class BytesEntry<K> implements Map.Entry<K, Bytes> {
        private final Map.Entry<K, byte[]> entry;

        BytesEntry(Map.Entry<K, byte[]> entry) {
            this.entry = entry;
        }

        @Override
        public K getKey() {
            return entry.getKey();
        }

        @Override
        public Bytes getValue() {
            return wrap(entry.getValue());
        }

        @Override
        public Bytes setValue(Bytes value) {
            return wrap(entry.setValue(array(value)));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Map.Entry)) {
                return false;
            }
            Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
            return Objects.equals(getKey(), e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
