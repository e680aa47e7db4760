package dev.statestore.jcache;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * A cache's iterator: weakly consistent over the store's entries, skipping those expired when it
 * was made. Each entry it returns is an access (statistics hit, access expiry through
 * {@link CacheSteps#touch}); {@link #remove} removes through the cache, so writers and listeners
 * see it.
 */
final class CacheIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<Map.Entry<Object, CacheValue>> entries;
    private final CacheSteps<K, V> steps;
    private final CacheStatistics statistics;
    private final BooleanSupplier statisticsEnabled;
    private final Consumer<K> remove;
    private final long now = System.currentTimeMillis();
    private Cache.Entry<K, V> next;
    private Cache.Entry<K, V> last;

    CacheIterator(Iterator<Map.Entry<Object, CacheValue>> entries, CacheSteps<K, V> steps, CacheStatistics statistics,
                  BooleanSupplier statisticsEnabled, Consumer<K> remove) {
        this.entries = entries;
        this.steps = steps;
        this.statistics = statistics;
        this.statisticsEnabled = statisticsEnabled;
        this.remove = remove;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        while (next == null && entries.hasNext()) {
            Map.Entry<Object, CacheValue> e = entries.next();
            if (!e.getValue().expiredAt(now)) {
                boolean stats = statisticsEnabled.getAsBoolean();
                long start = stats ? System.nanoTime() : 0;
                next = new SimpleEntry<>((K) e.getKey(), (V) e.getValue().value());
                steps.touch((K) e.getKey(), e.getValue(), now);
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
        remove.accept(key);
    }
}
