package dev.statestore.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one store in this process. Counting is always on and costs a {@link LongAdder}
 * increment; latency timers only run once a registry is bound ({@link #bindTo}), so an unbound
 * store pays no clock reads. Names follow Micrometer's cache conventions ({@code cache.gets},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}, tag {@code cache=<store>}) plus
 * {@code statestore.*}.
 */
public final class StoreMeters {
    /** One description for both results: Prometheus shows one HELP line per metric name. */
    private static final String GETS_DESCRIPTION = "Gets by this process, by result: hit (found a value) or miss";
    private final String store;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removes = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private volatile Timer getTimer;
    private volatile Timer putTimer;
    private volatile Timer removeTimer;
    private volatile int sampleMask;
    /** The near cache's figures (hits, misses, size); null: the store has no near cache in this process. */
    private volatile LongSupplier[] near;

    public StoreMeters(String store) {
        this.store = store;
    }

    public String store() {
        return store;
    }

    /**
     * A start time for {@link #recordGet} and friends: 0 (no clock read, nothing timed) while no
     * registry is bound, and for all but one operation in the timer sampling (counters still count).
     */
    public long start() {
        if (getTimer == null) {
            return 0;
        }
        int mask = sampleMask;
        if (mask != 0 && (ThreadLocalRandom.current().nextInt() & mask) != 0) {
            return 0;
        }
        return System.nanoTime();
    }

    public void recordGet(long start, boolean hit) {
        (hit ? hits : misses).increment();
        Timer t = getTimer;
        if (t != null && start != 0) {
            t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    public void recordPut(long start) {
        puts.increment();
        Timer t = putTimer;
        if (t != null && start != 0) {
            t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    public void recordRemove(long start) {
        removes.increment();
        Timer t = removeTimer;
        if (t != null && start != 0) {
            t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The store has a near cache in this process: its hits, misses (reads that went to the map) and size are published. */
    public void near(LongSupplier hits, LongSupplier misses, LongSupplier size) {
        this.near = new LongSupplier[] {hits, misses, size};
    }

    public void evicted() {
        evictions.increment();
    }

    public void expired() {
        expirations.increment();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long puts() {
        return puts.sum();
    }

    public long removes() {
        return removes.sum();
    }

    /**
     * Registers this store's meters.
     *
     * @param figures the store-wide figures read from the shared files
     * @param percentiles whether timers publish percentile histograms
     * @param timerSampling time one operation in this many (a power of two)
     */
    public void bindTo(MeterRegistry registry, StoreFigures figures, boolean percentiles, int timerSampling) {
        this.sampleMask = timerSampling - 1;
        Tags tags = Tags.of("cache", store);
        FunctionCounter.builder("cache.gets", hits, LongAdder::sum).tags(tags).tag("result", "hit")
                .description(GETS_DESCRIPTION).register(registry);
        FunctionCounter.builder("cache.gets", misses, LongAdder::sum).tags(tags).tag("result", "miss")
                .description(GETS_DESCRIPTION).register(registry);
        FunctionCounter.builder("cache.puts", puts, LongAdder::sum).tags(tags)
                .description("Entries added or replaced").register(registry);
        FunctionCounter.builder("cache.evictions", evictions, LongAdder::sum).tags(tags)
                .description("Entries evicted to keep the store within its bound").register(registry);
        FunctionCounter.builder("statestore.expirations", expirations, LongAdder::sum).tags(tags)
                .description("Entries removed because their time to live ran out").register(registry);
        FunctionCounter.builder("statestore.removes", removes, LongAdder::sum).tags(tags)
                .description("Removals").register(registry);
        gauge(registry, "cache.size", figures, StoreFigures::entries, tags, "Entries in the store", null);
        gauge(registry, "statestore.fill.ratio", figures, StoreFigures::fillRatio, tags,
                "Share of the store's maximum capacity in use (0..1)", null);
        gauge(registry, "statestore.file", figures, StoreFigures::fileBytes, tags, "Bytes of the store's files", "bytes");
        gauge(registry, "statestore.attached.processes", figures, StoreFigures::attachedProcesses, tags,
                "Live processes attached to the store", null);
        FunctionCounter.builder("statestore.journal.appends", figures, StoreFigures::journalAppends).tags(tags)
                .description("Events appended to the journal by this process").register(registry);
        FunctionCounter.builder("statestore.lock.takeovers", figures, StoreFigures::lockTakeovers).tags(tags)
                .description("Lock stripes this process took over from dead processes").register(registry);
        FunctionCounter.builder("statestore.recoveries", figures, StoreFigures::recoveries).tags(tags)
                .description("Repairs of the map file after crashes, by this process").register(registry);
        io.micrometer.core.instrument.FunctionTimer.builder("statestore.lock.wait", figures,
                        StoreFigures::lockWaits, StoreFigures::lockWaitNanos, TimeUnit.NANOSECONDS)
                .tags(tags).description("Waits for a lock stripe held by another thread or process").register(registry);
        LongSupplier[] n = near;
        if (n != null) {
            String description = "Gets by this process through its near cache, by result: hit (a copy whose key's"
                    + " version was current) or miss (read from the map)";
            FunctionCounter.builder("statestore.nearcache.gets", n[0], LongSupplier::getAsLong).tags(tags).tag("result", "hit")
                    .description(description).register(registry);
            FunctionCounter.builder("statestore.nearcache.gets", n[1], LongSupplier::getAsLong).tags(tags).tag("result", "miss")
                    .description(description).register(registry);
            Gauge.builder("statestore.nearcache.size", n[2], s -> s.getAsLong()).tags(tags)
                    .description("Values in this process's near cache of the store").strongReference(true).register(registry);
        }
        getTimer = timer(registry, "get", tags, percentiles);
        putTimer = timer(registry, "put", tags, percentiles);
        removeTimer = timer(registry, "remove", tags, percentiles);
    }

    private static <T> void gauge(MeterRegistry registry, String name, T obj, ToDoubleFunction<T> f, Tags tags,
                                  String description, String unit) {
        Gauge.Builder<T> b = Gauge.builder(name, obj, f).tags(tags).description(description).strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private static Timer timer(MeterRegistry registry, String op, Tags tags, boolean percentiles) {
        return Timer.builder("statestore.operation").tags(tags).tag("op", op)
                .description("Latency of store operations in this process")
                .publishPercentileHistogram(percentiles)
                .register(registry);
    }
}
