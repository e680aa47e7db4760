package dev.statestore.jcache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The JCache statistics of one cache handle in this process (JSR-107 counts per handle; the
 * store-wide {@code cache.*} Micrometer meters count every process). Average times are in
 * microseconds, over all gets as the reference implementation computes them.
 */
final class CacheStatistics implements CacheStatisticsMXBean {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private final LongSupplier entries;

    CacheStatistics(LongSupplier entries) {
        this.entries = entries;
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void put() {
        puts.increment();
    }

    void puts(long n) {
        puts.add(n);
    }

    void removal() {
        removals.increment();
    }

    void getTime(long nanos) {
        getNanos.add(nanos);
    }

    void putTime(long nanos) {
        putNanos.add(nanos);
    }

    void removeTime(long nanos) {
        removeNanos.add(nanos);
    }

    @Override
    public void clear() {
        for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, evictions, getNanos, putNanos, removeNanos}) {
            a.reset();
        }
    }

    long entryCount() {
        return entries.getAsLong();
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long h = getCacheHits();
        return h == 0 ? 0 : (float) h / getCacheGets() * 100.0f;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long m = getCacheMisses();
        return m == 0 ? 0 : (float) m / getCacheGets() * 100.0f;
    }

    @Override
    public long getCacheGets() {
        return getCacheHits() + getCacheMisses();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return evictions.sum();
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos.sum(), getCacheRemovals());
    }

    private static float average(long nanos, long count) {
        return nanos == 0 || count == 0 ? 0 : (float) nanos / count / 1000f;
    }
}
