package dev.statestore.conformance;

import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.TestMapGenerator;

import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Guava testlib map generator over a supplier of fresh, empty maps: {@code create} fills a new
 * map with {@code put}, in the order given (a later duplicate key wins, as the suite expects of a
 * map without {@code REJECTS_DUPLICATES_AT_CREATION}). Iteration order is unspecified.
 */
public final class StoreMapGenerator<K, V> implements TestMapGenerator<K, V> {
    private final Class<K> keyClass;
    private final Class<V> valueClass;
    private final SampleElements<K> keys;
    private final SampleElements<V> values;
    private final Supplier<? extends Map<K, V>> emptyMap;

    public StoreMapGenerator(Class<K> keyClass, Class<V> valueClass, SampleElements<K> keys,
                             SampleElements<V> values, Supplier<? extends Map<K, V>> emptyMap) {
        this.keyClass = keyClass;
        this.valueClass = valueClass;
        this.keys = keys;
        this.values = values;
        this.emptyMap = emptyMap;
    }

    @Override
    public SampleElements<Map.Entry<K, V>> samples() {
        return SampleElements.mapEntries(keys, values);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<K, V> create(Object... elements) {
        Map<K, V> map = emptyMap.get();
        if (!map.isEmpty()) {
            throw new IllegalStateException("the map supplier must give an empty map, got " + map.size() + " entries");
        }
        for (Object element : elements) {
            Map.Entry<K, V> e = (Map.Entry<K, V>) element;
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map.Entry<K, V>[] createArray(int length) {
        return new Map.Entry[length];
    }

    @Override
    @SuppressWarnings("unchecked")
    public K[] createKeyArray(int length) {
        return (K[]) Array.newInstance(keyClass, length);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V[] createValueArray(int length) {
        return (V[]) Array.newInstance(valueClass, length);
    }

    @Override
    public Iterable<Map.Entry<K, V>> order(List<Map.Entry<K, V>> insertionOrder) {
        return insertionOrder;
    }
}
