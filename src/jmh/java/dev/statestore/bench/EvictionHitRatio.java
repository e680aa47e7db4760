package dev.statestore.bench;

import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.internal.map.DefaultStateStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hit ratio of a bounded store's eviction against an exact LRU of the same size, on a Zipf
 * workload: a cache-aside loop (get; on a miss, put) over {@code keys} keys, the first
 * {@code warmup} requests not counted. Not a timed benchmark: it counts hits. Run it with
 * ops/bench/hit-ratio.sh (figures: BENCHMARKS.md).
 *
 * <p>Arguments: {@code [keys] [requests] [zipf exponents, comma-separated] [cache sizes as % of
 * keys, comma-separated] [dir]}; defaults 100000 1000000 0.8,0.99,1.2 1,5,10 /dev/shm.
 */
public final class EvictionHitRatio {
    private EvictionHitRatio() {
    }

    public static void main(String[] args) throws IOException {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        double[] exponents = parse(args.length > 2 ? args[2] : "0.8,0.99,1.2");
        double[] percents = parse(args.length > 3 ? args[3] : "1,5,10");
        Path base = Path.of(args.length > 4 ? args[4] : "/dev/shm");
        int warmup = requests / 5;
        System.out.println("| Zipf s | cache size | exact LRU hit ratio | statestore hit ratio | difference |");
        System.out.println("|---|---|---|---|---|");
        for (double s : exponents) {
            int[] trace = zipfTrace(keys, requests, s, 42);
            for (double p : percents) {
                int capacity = (int) Math.max(1, keys * p / 100);
                double lru = exactLru(trace, capacity, warmup);
                double store = store(trace, capacity, warmup, base);
                System.out.printf(Locale.ROOT, "| %.2f | %,d (%.0f %%) | %.4f | %.4f | %+.4f |%n", s, capacity, p, lru,
                        store, store - lru);
            }
        }
    }

    static double exactLru(int[] trace, int capacity, int warmup) {
        Map<Integer, Boolean> lru = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                return size() > capacity;
            }
        };
        long hits = 0;
        for (int i = 0; i < trace.length; i++) {
            if (lru.get(trace[i]) != null) {
                if (i >= warmup) {
                    hits++;
                }
            } else {
                lru.put(trace[i], Boolean.TRUE);
            }
        }
        return (double) hits / (trace.length - warmup);
    }

    static double store(int[] trace, int capacity, int warmup, Path base) throws IOException {
        Path dir = Files.createTempDirectory(base, "hit-ratio");
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<Integer, Integer> map = store.map("cache", Integer.class, Integer.class,
                    MapOptions.builder().maxEntries(capacity).journal(false).build());
            long hits = 0;
            for (int i = 0; i < trace.length; i++) {
                if (map.get(trace[i]) != null) {
                    if (i >= warmup) {
                        hits++;
                    }
                } else {
                    map.put(trace[i], trace[i]);
                }
            }
            return (double) hits / (trace.length - warmup);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Requests drawn from Zipf(s) over {@code keys} keys, rank r having weight 1/r^s; ranks shuffled over key ids. */
    static int[] zipfTrace(int keys, int requests, double s, long seed) {
        double[] cdf = new double[keys];
        double sum = 0;
        for (int r = 0; r < keys; r++) {
            sum += 1.0 / Math.pow(r + 1, s);
            cdf[r] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] idOfRank = new int[keys];
        for (int i = 0; i < keys; i++) {
            idOfRank[i] = i;
        }
        for (int i = keys - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idOfRank[i];
            idOfRank[i] = idOfRank[j];
            idOfRank[j] = t;
        }
        int[] trace = new int[requests];
        for (int i = 0; i < requests; i++) {
            int rank = Arrays.binarySearch(cdf, random.nextDouble() * sum);
            trace[i] = idOfRank[rank < 0 ? Math.min(-rank - 1, keys - 1) : rank];
        }
        return trace;
    }

    static double[] parse(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
