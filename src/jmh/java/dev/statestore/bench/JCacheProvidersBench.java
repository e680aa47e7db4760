package dev.statestore.bench;

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

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * The same JCache get/put workload as {@link JCacheBench} through three JCache providers, each
 * reached as an application reaches it, {@code Caching.getCachingProvider(className)}: statestore's
 * (a store on {@code dir}, shared between processes and kept across restarts), Caffeine's
 * ({@code com.github.ben-manes.caffeine:jcache}) and Ehcache 3's ({@code org.ehcache:ehcache}), both
 * on the JVM's heap and private to it. Every cache has the same configuration,
 * {@code MutableConfiguration<String, byte[]>}: store-by-value (the spec's default; statestore's
 * only mode), eternal, no listener, statistics off. Caffeine and Ehcache are on the bench class
 * path only (profile {@code bench}), never statestore's dependencies.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class JCacheProvidersBench {
    @Param({"statestore", "caffeine", "ehcache"})
    String provider;
    @Param("200000")
    int keys;
    @Param("100")
    int valueSize;
    @Param("/dev/shm")
    String dir;

    private Path dataDir;
    private CachingProvider cachingProvider;
    private CacheManager manager;
    private Cache<String, byte[]> cache;
    private CacheWorkload workload;

    @Setup(Level.Trial)
    public void open() {
        URI uri;
        switch (provider) {
            case "statestore":
                cachingProvider = Caching.getCachingProvider(StateStoreCachingProvider.class.getName());
                dataDir = Workload.newDir(dir, "jcache-providers");
                uri = dataDir.toUri();
                break;
            case "caffeine":
                cachingProvider = Caching.getCachingProvider("com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider");
                uri = cachingProvider.getDefaultURI();
                break;
            case "ehcache":
                cachingProvider = Caching.getCachingProvider("org.ehcache.jsr107.EhcacheCachingProvider");
                uri = cachingProvider.getDefaultURI();
                break;
            default:
                throw new IllegalArgumentException("provider is statestore, caffeine or ehcache, not " + provider);
        }
        manager = cachingProvider.getCacheManager(uri, JCacheProvidersBench.class.getClassLoader(), new Properties());
        cache = manager.createCache("bench", new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
        workload = new CacheWorkload(keys, valueSize);
        for (int i = 0; i < workload.size(); i++) {
            cache.put(workload.key(i), workload.initialValue(i));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.destroyCache("bench");
        manager.close();
        cachingProvider.close();
        if (dataDir != null) {
            Workload.delete(dataDir);
        }
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
    public byte[] get() {
        return cache.get(workload.nextKey());
    }

    @Benchmark
    public void put() {
        cache.put(workload.nextKey(), workload.nextValue());
    }
}
