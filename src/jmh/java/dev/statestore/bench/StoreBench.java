package dev.statestore.bench;

import dev.statestore.Durability;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * statestore on workload W: a {@code StoreMap<String, byte[]>} of 1M keys {@code key-%010d} and
 * 100-byte random values, read and written in a shuffled order.
 *
 * <p>{@code journal}: {@code off} (a store without journal) or the sync mode of a journaled store,
 * {@code none | async | always} ({@code async} is the default of a new store). {@code metrics}:
 * {@code bound} registers the store's meters with a Prometheus registry (latency timers run),
 * {@code unbound} does not. {@code dir}: where the data directory is made ({@code /dev/shm} for
 * the headline; a disk directory to see what the page cache and msync cost). {@code grownFrom}:
 * {@code 1}, the store is created for {@code keys} entries (right-sized); {@code 10}, it is created
 * for {@code keys / 10} and grows tenfold while the set-up fills it (Chronicle adds tiers to its
 * segments), the case of issue 6's "capacity that grows". {@code near}: the store is opened with
 * a near cache of that many values ({@code MapOptions.nearCache}; 0: none), filled by one read of
 * every key after loading (the set-up prints the heap it took per value kept).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class StoreBench {
    @Param("1000000")
    int keys;
    @Param("100")
    int valueSize;
    @Param({"off", "async"})
    String journal;
    @Param("unbound")
    String metrics;
    @Param("/dev/shm")
    String dir;
    @Param("1")
    int grownFrom;
    @Param("0")
    long near;

    private Path dataDir;
    private StateStore store;
    private StoreMap<String, byte[]> map;
    String[] keyStrings;
    int[] order;
    private byte[][] pool;

    @Setup(Level.Trial)
    public void open() {
        dataDir = Workload.newDir(dir, "store");
        MapOptions.Builder options = MapOptions.builder().entries(keys / grownFrom).averageKeySize(14).averageValueSize(valueSize);
        if (near > 0) {
            options.nearCache(near);
        }
        if (journal.equals("off")) {
            options.journal(false);
        } else {
            options.journal(true).sync(Durability.valueOf(journal.toUpperCase(Locale.ROOT)));
        }
        store = StateStore.open(dataDir);
        map = store.map("w", String.class, byte[].class, options.build());
        keyStrings = Workload.keys(keys);
        order = Workload.shuffled(keys, 1);
        pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
        for (int i = 0; i < keys; i++) {
            map.put(keyStrings[i], Workload.initialValue(pool, i));
        }
        if (near > 0) {
            long before = usedHeapAfterGc();
            for (int i = 0; i < keys; i++) {
                map.get(keyStrings[i]); // every key near: the read-only case of issue 16
            }
            long after = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "near cache: %d values kept, %.1f heap bytes each (keys are the benchmark's"
                    + " own strings, not counted)%n", keys, (after - before) / (double) keys);
        }
        if (metrics.equals("bound")) {
            store.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        } else if (!metrics.equals("unbound")) {
            throw new IllegalArgumentException("metrics must be bound or unbound, was " + metrics);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        Workload.delete(dataDir);
    }

    /** A thread's place in the shuffled order, and its choice of reads and writes. */
    @State(Scope.Thread)
    public static class Cursor {
        Workload.Cursor keys;
        SplittableRandom random;
        int puts;
        byte[] buffer;

        @Setup(Level.Trial)
        public void setup(StoreBench bench, ThreadParams thread) {
            keys = new Workload.Cursor(bench.order, thread.getThreadIndex(), thread.getThreadCount());
            random = new SplittableRandom(thread.getThreadIndex());
            buffer = new byte[bench.valueSize];
        }
    }

    @Benchmark
    public byte[] get(Cursor c) {
        return map.get(keyStrings[c.keys.next()]);
    }

    /** Reads into the thread's one 100-byte array, as raw Chronicle Map's {@code getUsing} baseline does. */
    @Benchmark
    public byte[] getUsing(Cursor c) {
        return map.getUsing(keyStrings[c.keys.next()], c.buffer);
    }

    @Benchmark
    public byte[] put(Cursor c) {
        return map.put(keyStrings[c.keys.next()], pool[c.puts++ & (Workload.VALUE_POOL - 1)]);
    }

    private static long usedHeapAfterGc() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Half gets, half puts. */
    @Benchmark
    public byte[] mixed5050(Cursor c) {
        int i = c.keys.next();
        if (c.random.nextBoolean()) {
            return map.put(keyStrings[i], pool[c.puts++ & (Workload.VALUE_POOL - 1)]);
        }
        return map.get(keyStrings[i]);
    }

    /** 90 % gets, 10 % puts. */
    @Benchmark
    public byte[] mixed(Cursor c) {
        int i = c.keys.next();
        if (c.random.nextInt(10) == 0) {
            return map.put(keyStrings[i], pool[c.puts++ & (Workload.VALUE_POOL - 1)]);
        }
        return map.get(keyStrings[i]);
    }
}
