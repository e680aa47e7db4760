package dev.statestore.bench;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a bound costs a put: a store bounded by {@code maxEntries} against one bounded by
 * {@code maxBytes} (which reads Chronicle's free-list bitsets after each write), same keys,
 * values and sizing ({@code entries} 100,000, 14-byte keys, 100-byte values, no journal).
 * {@code bound}: {@code entries} (maxEntries 100,000), {@code bytes} (maxBytes 16,000,000, about
 * 100,000 entries of 160 bytes as Chronicle allocates them) or {@code none} (a stamped store with
 * expiry and no bound, the baseline of the check itself).
 *
 * <p>{@code update}: puts of same-size values over 50,000 keys already present, so the bound is
 * checked after every put and never evicts (a bound by bytes skips counting them: the put cannot
 * have added bytes). {@code resize}: as {@code update}, but each put alternates the value between
 * 100 and 140 bytes, so every other put grows its entry and the bytes are counted: the worst case
 * of the check without eviction. {@code insert}: puts of new keys, cycling over 1M, so a full
 * store evicts a batch every 1/64 of its bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class BoundedPutBench {
    private static final int ENTRIES = 100_000;
    private static final int PRESENT = 50_000;

    @Param({"entries", "bytes", "none"})
    String bound;
    @Param("/dev/shm")
    String dir;

    private Path dataDir;
    private StateStore store;
    private StoreMap<String, byte[]> map;
    private String[] keys;
    private byte[][] pool;
    private byte[][] larger;
    private int next;
    private int puts;

    @Setup(Level.Trial)
    public void open() {
        dataDir = Workload.newDir(dir, "bounded");
        MapOptions.Builder options = MapOptions.builder().entries(ENTRIES).averageKeySize(14)
                .averageValueSize(Workload.VALUE_SIZE).journal(false);
        switch (bound) {
            case "entries" -> options.maxEntries(ENTRIES);
            case "bytes" -> options.maxBytes(16_000_000L);
            case "none" -> options.perEntryTtl(true).maxGrowth(30);
            default -> throw new IllegalArgumentException("bound must be entries, bytes or none, was " + bound);
        }
        store = StateStore.open(dataDir);
        map = store.map("b", String.class, byte[].class, options.build());
        keys = Workload.keys(Workload.KEYS);
        pool = Workload.values(Workload.VALUE_POOL, Workload.VALUE_SIZE, 2);
        larger = Workload.values(Workload.VALUE_POOL, Workload.VALUE_SIZE + 40, 3);
        for (int i = 0; i < PRESENT; i++) {
            map.put(keys[i], pool[i & (Workload.VALUE_POOL - 1)]);
        }
        next = PRESENT;
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        Workload.delete(dataDir);
    }

    @Benchmark
    public byte[] update() {
        int i = puts++ % PRESENT;
        return map.put(keys[i], pool[puts & (Workload.VALUE_POOL - 1)]);
    }

    @Benchmark
    public byte[] resize() {
        int n = puts++;
        int i = (n >> 1) % PRESENT; // each key gets the larger value, then the smaller one
        byte[][] values = (n & 1) == 0 ? larger : pool;
        return map.put(keys[i], values[i & (Workload.VALUE_POOL - 1)]);
    }

    @Benchmark
    public byte[] insert() {
        int i = next;
        next = next + 1 == keys.length ? 0 : next + 1;
        return map.put(keys[i], pool[i & (Workload.VALUE_POOL - 1)]);
    }
}
