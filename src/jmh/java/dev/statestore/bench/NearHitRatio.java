package dev.statestore.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Hit ratio of the near cache's own table (two buckets of 7 ways per key, second-chance
 * replacement: see {@code NearCache}) against Caffeine (W-TinyLFU, every access recorded) and an
 * exact LRU, all of the same size, on the Zipf traces of {@link EvictionHitRatio}: a store holding
 * every key, read through a near cache of {@code N} values; Caffeine and the LRU as cache-aside
 * maps. The first fifth of the requests is not counted. Counts hits, not time. Run it with
 * {@code ops/bench/hit-ratio.sh near} (figures: BENCHMARKS.md).
 *
 * <p>Arguments: as {@link EvictionHitRatio}.
 */
public final class NearHitRatio {
    private NearHitRatio() {
    }

    public static void main(String[] args) throws IOException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double[] exponents = EvictionHitRatio.parse(args.length > 2 ? args[2] : "0.8,0.99,1.2");
        double[] percents = EvictionHitRatio.parse(args.length > 3 ? args[3] : "1,5,10");
        Path base = Path.of(args.length > 4 ? args[4] : "/dev/shm");
        int warmup = requests / 5;
        Path dir = Files.createTempDirectory(base, "nearhit");
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> all = store.map("all", String.class, String.class,
                    MapOptions.builder().entries(keys).build());
            for (int k = 0; k < keys; k++) {
                all.put("k" + k, "v" + k);
            }
            System.out.println("| Zipf s | cache size | exact LRU | Caffeine 3.x | near cache | near - Caffeine |");
            System.out.println("|---|---|---|---|---|---|");
            int run = 0;
            for (double s : exponents) {
                int[] trace = EvictionHitRatio.zipfTrace(keys, requests, s, 42);
                for (double p : percents) {
                    int capacity = (int) Math.max(1, keys * p / 100);
                    double lru = EvictionHitRatio.exactLru(trace, capacity, warmup);
                    double caffeine = caffeine(trace, capacity, warmup);
                    double near = near(dir, trace, capacity, warmup, run++);
                    System.out.printf(Locale.ROOT, "| %.2f | %,d (%.0f %%) | %.4f | %.4f | %.4f | %+.4f |%n", s, capacity,
                            p, lru, caffeine, near, near - caffeine);
                }
            }
        } finally {
            Workload.delete(dir);
        }
    }

    private static double caffeine(int[] trace, int capacity, int warmup) {
        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
        String[] names = names(trace);
        long hits = 0;
        for (int i = 0; i < trace.length; i++) {
            if (cache.getIfPresent(names[i]) != null) {
                hits += i >= warmup ? 1 : 0;
            } else {
                cache.put(names[i], "v");
            }
        }
        return hits / (double) (trace.length - warmup);
    }

    /** Reads the trace through a new handle with a near cache of {@code capacity}; its hits after the warm-up. */
    private static double near(Path dir, int[] trace, int capacity, int warmup, int run) {
        String[] names = names(trace);
        try (StateStore store = StateStore.open(dir)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            store.bindTo(meters);
            StoreMap<String, String> near = store.map("all", String.class, String.class,
                    MapOptions.builder().nearCache(capacity).build());
            for (int i = 0; i < warmup; i++) {
                near.get(names[i]);
            }
            double before = hits(meters);
            for (int i = warmup; i < trace.length; i++) {
                near.get(names[i]);
            }
            return (hits(meters) - before) / (trace.length - warmup);
        }
    }

    private static double hits(SimpleMeterRegistry meters) {
        return meters.get("statestore.nearcache.gets").tag("result", "hit").functionCounter().count();
    }

    private static String[] names(int[] trace) {
        String[] names = new String[trace.length];
        for (int i = 0; i < trace.length; i++) {
            names[i] = "k" + trace[i];
        }
        return names;
    }
}
