package dev.statestore.bench;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.jcache.StateStoreCachingProvider;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * JCache over statestore against the StoreMap it wraps, in one run: a {@code Cache<String, byte[]>}
 * (default configuration: eternal, no listeners, statistics off) and a {@code StoreMap<String,
 * byte[]>}, each a store of {@code keys} keys {@code key-%010d} with 100-byte values, in the same
 * data directory, read and written in the same shuffled order. Issue 14's target: JCache get and
 * put at most 10 % slower than StoreMap's. Each iteration also prints the measuring thread's CPU
 * time per operation ({@link CpuClock}), steadier than throughput on a shared machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class JCacheBench {
    @Param("200000")
    int keys;
    @Param("100")
    int valueSize;
    @Param("/dev/shm")
    String dir;

    private Path dataDir;
    private StateStore store;
    private StoreMap<String, byte[]> map;
    private CacheManager manager;
    private Cache<String, byte[]> cache;
    private CacheWorkload workload;

    @Setup(Level.Trial)
    public void open() {
        dataDir = Workload.newDir(dir, "jcache");
        store = StateStore.open(dataDir);
        map = store.map("map", String.class, byte[].class);
        manager = new StateStoreCachingProvider().getCacheManager(dataDir.toUri(), JCacheBench.class.getClassLoader(),
                new Properties());
        cache = manager.createCache("cache", new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
        workload = new CacheWorkload(keys, valueSize);
        for (int i = 0; i < workload.size(); i++) {
            map.put(workload.key(i), workload.initialValue(i));
            cache.put(workload.key(i), workload.initialValue(i));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        store.close();
        Workload.delete(dataDir);
    }

    @Setup(Level.Iteration)
    public void startClock() {
        workload.startClock();
    }

    @TearDown(Level.Iteration)
    public void reportClock(BenchmarkParams benchmark, IterationParams iteration) {
        workload.reportClock(benchmark, iteration);
    }

    @Benchmark
    public byte[] storeMapGet() {
        return map.get(workload.nextKey());
    }

    @Benchmark
    public byte[] jcacheGet() {
        return cache.get(workload.nextKey());
    }

    @Benchmark
    public byte[] storeMapPut() {
        return map.put(workload.nextKey(), workload.nextValue());
    }

    /** The StoreMap's compute, as an eternal JCache put makes one, on the same store as {@link #storeMapPut}. */
    @Benchmark
    public byte[] storeMapCompute() {
        byte[] value = workload.nextValue();
        return map.compute(workload.nextKey(), (k, old) -> value);
    }

    @Benchmark
    public void jcachePut() {
        cache.put(workload.nextKey(), workload.nextValue());
    }
}
