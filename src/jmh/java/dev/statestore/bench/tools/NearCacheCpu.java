package dev.statestore.bench.tools;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.bench.Workload;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The near cache's figures by CPU time rather than by wall-clock throughput: on a machine shared
 * with other builds (load averages of 8 to 14 on 2 cores were usual), JMH's wall-clock scores of
 * one fork swung 3x between iterations, while the CPU time a thread spends per operation moves much
 * less (it still pays for caches other processes evict). Workload W (1M keys {@code key-%010d},
 * 100-byte values, shuffled order) in one JVM: a raw Chronicle Map, and one store opened twice, by a
 * {@link StateStore} with a near cache of every key and one without. Each round measures every case
 * over 1M operations, in an order that alternates round by round (ABBA); it prints each case's
 * median ns of CPU per operation and the ratios of medians. Before each read case through the
 * near cache every key is read once (every key near); before each mixed case through it, one pass
 * of that case runs unmeasured, so the case is measured in its steady state (each key's copy as
 * its previous visit, a pass earlier, left it). An earlier version refilled every key before the
 * mixed cases too, which counted a pass just after a refill: too kind to the near cache.
 * Usage: {@code NearCacheCpu DIR [ROUNDS] [reads|puts]} ({@code reads}: the read cases only;
 * {@code puts}: what the key version bump costs a put, see {@link #puts}).
 */
public final class NearCacheCpu {
    private NearCacheCpu() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Workload.newDir(args[0], "nearcpu");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        boolean readsOnly = args.length > 2 && args[2].equals("reads");
        if (args.length > 2 && args[2].equals("puts")) {
            try {
                puts(dir, rounds);
            } finally {
                Workload.delete(dir);
            }
            return;
        }
        int n = Workload.KEYS;
        String[] keys = Workload.keys(n);
        int[] order = Workload.shuffled(n, 1);
        byte[][] pool = Workload.values(Workload.VALUE_POOL, Workload.VALUE_SIZE, 2);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (ChronicleMap<String, byte[]> raw = ChronicleMapBuilder.of(String.class, byte[].class).name("raw").entries(n)
                .averageKeySize(14).averageValueSize(Workload.VALUE_SIZE).maxBloatFactor(10.0)
                .createPersistedTo(dir.resolve("raw.cm3").toFile());
             StateStore plainStore = StateStore.open(dir.resolve("data"));
             StateStore nearStore = StateStore.open(dir.resolve("data"))) {
            StoreMap<String, byte[]> plain = plainStore.map("w", String.class, byte[].class,
                    MapOptions.builder().entries(n).averageKeySize(14).averageValueSize(Workload.VALUE_SIZE).build());
            for (int i = 0; i < n; i++) {
                raw.put(keys[i], Workload.initialValue(pool, i));
                plain.put(keys[i], Workload.initialValue(pool, i));
            }
            long heapBefore = usedHeapAfterGc();
            StoreMap<String, byte[]> near = nearStore.map("w", String.class, byte[].class,
                    MapOptions.builder().nearCache(n).build());
            for (int i = 0; i < n; i++) {
                near.get(keys[i]);
            }
            System.out.printf(Locale.ROOT, "heap per near value: %.1f bytes (value 100 bytes; keys are the caller's)%n",
                    (usedHeapAfterGc() - heapBefore) / (double) n);
            byte[] buffer = new byte[Workload.VALUE_SIZE];
            SplittableRandom random = new SplittableRandom(7);
            int[] puts = {0};
            List<String> names = List.of("raw getUsing", "plain getUsing", "near getUsing", "plain get", "near get",
                    "plain 90/10", "near 90/10", "plain 50/50", "near 50/50");
            List<IntConsumer> cases = List.of(
                    i -> raw.getUsing(keys[i], buffer),
                    i -> plain.getUsing(keys[i], buffer),
                    i -> near.getUsing(keys[i], buffer),
                    i -> plain.get(keys[i]),
                    i -> near.get(keys[i]),
                    i -> mixed(plain, keys[i], random.nextInt(10) == 0, pool, puts),
                    i -> mixed(near, keys[i], random.nextInt(10) == 0, pool, puts),
                    i -> mixed(plain, keys[i], random.nextBoolean(), pool, puts),
                    i -> mixed(near, keys[i], random.nextBoolean(), pool, puts));
            List<List<Double>> nanos = new ArrayList<>();
            cases.forEach(c -> nanos.add(new ArrayList<>()));
            int measured = readsOnly ? 5 : cases.size();
            for (int round = 0; round < rounds + 1; round++) {
                for (int k = 0; k < measured; k++) {
                    int c = round % 2 == 0 ? k : measured - 1 - k;
                    if (c == 2 || c == 4) { // every key near again: the writes before bumped their keys
                        for (int i = 0; i < n; i++) {
                            near.get(keys[i]);
                        }
                    } else if (c == 6 || c == 8) { // a pass of the same case, not measured: its steady state
                        for (int i = 0; i < n; i++) {
                            cases.get(c).accept(order[i]);
                        }
                    }
                    long cpu = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        cases.get(c).accept(order[i]);
                    }
                    double perOp = (threads.getCurrentThreadCpuTime() - cpu) / (double) n;
                    if (round > 0) { // round 0 warms up
                        nanos.get(c).add(perOp);
                    }
                }
            }
            double[] median = new double[cases.size()];
            for (int c = 0; c < measured; c++) {
                double[] v = nanos.get(c).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                median[c] = v[v.length / 2];
                System.out.printf(Locale.ROOT, "%-16s %8.0f ns CPU/op (min %.0f, max %.0f)%n", names.get(c), median[c],
                        v[0], v[v.length - 1]);
            }
            System.out.printf(Locale.ROOT, "near getUsing / raw getUsing: %.2f x%n", median[0] / median[2]);
            System.out.printf(Locale.ROOT, "near get / raw getUsing: %.2f x%n", median[0] / median[4]);
            System.out.printf(Locale.ROOT, "near get / plain get: %.2f x%n", median[3] / median[4]);
            if (!readsOnly) {
                System.out.printf(Locale.ROOT, "near 90/10 / plain 90/10: %.2f x%n", median[5] / median[6]);
                System.out.printf(Locale.ROOT, "near 50/50 / plain 50/50: %.2f x%n", median[7] / median[8]);
            }
            System.out.println("(ratios of speed: the inverse of the ratios of CPU per operation) " + Arrays.toString(args));
        } finally {
            Workload.delete(dir);
        }
    }

    /**
     * What bumping the key's version costs a put (the one thing every writer pays for near caches):
     * each store (journaled, {@code sync: async}; without journal) opened twice, one handle as
     * shipped and one whose bumps are switched off here, by reflection (the product has no such
     * switch), and put through both over W in ABBA order.
     */
    private static void puts(Path dir, int rounds) throws IOException {
        int n = Workload.KEYS;
        String[] keys = Workload.keys(n);
        int[] order = Workload.shuffled(n, 1);
        byte[][] pool = Workload.values(Workload.VALUE_POOL, Workload.VALUE_SIZE, 2);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (StateStore bumping = StateStore.open(dir.resolve("data"));
             StateStore silent = StateStore.open(dir.resolve("data"))) {
            List<String> names = new ArrayList<>();
            List<IntConsumer> cases = new ArrayList<>();
            int[] puts = {0};
            for (boolean journal : new boolean[] {true, false}) {
                String store = journal ? "journaled" : "plain";
                MapOptions options = MapOptions.builder().entries(n).averageKeySize(14).averageValueSize(Workload.VALUE_SIZE)
                        .journal(journal).build();
                StoreMap<String, byte[]> with = bumping.map(store, String.class, byte[].class, options);
                StoreMap<String, byte[]> without = silent.map(store, String.class, byte[].class, options);
                noBumps(without);
                for (int i = 0; i < n; i++) {
                    with.put(keys[i], Workload.initialValue(pool, i));
                }
                names.add(store + " put, bump");
                cases.add(i -> with.put(keys[i], pool[puts[0]++ & (Workload.VALUE_POOL - 1)]));
                names.add(store + " put, no bump");
                cases.add(i -> without.put(keys[i], pool[puts[0]++ & (Workload.VALUE_POOL - 1)]));
            }
            List<List<Double>> nanos = new ArrayList<>();
            cases.forEach(c -> nanos.add(new ArrayList<>()));
            for (int round = 0; round < rounds + 1; round++) {
                for (int k = 0; k < cases.size(); k++) {
                    int c = round % 2 == 0 ? k : cases.size() - 1 - k;
                    long cpu = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        cases.get(c).accept(order[i]);
                    }
                    if (round > 0) {
                        nanos.get(c).add((threads.getCurrentThreadCpuTime() - cpu) / (double) n);
                    }
                }
            }
            double[] median = new double[cases.size()];
            for (int c = 0; c < cases.size(); c++) {
                double[] v = nanos.get(c).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                median[c] = v[v.length / 2];
                System.out.printf(Locale.ROOT, "%-26s %8.0f ns CPU/op (min %.0f, max %.0f)%n", names.get(c), median[c],
                        v[0], v[v.length - 1]);
            }
            System.out.printf(Locale.ROOT, "journaled put with bump / without: %.3f x speed (%+.0f ns)%n",
                    median[1] / median[0], median[0] - median[1]);
            System.out.printf(Locale.ROOT, "plain put with bump / without: %.3f x speed (%+.0f ns)%n",
                    median[3] / median[2], median[2] - median[3]);
        }
    }

    /** Switches off the key version bumps of {@code map}'s handle (the benchmark's toggle, by reflection). */
    private static void noBumps(StoreMap<?, ?> map) {
        try {
            Object chronicle = ((dev.statestore.internal.map.ChronicleStoreMap<?, ?, ?, ?>) map).chronicle();
            Object operations = net.openhft.chronicle.map.VanillaChronicleMap.class.getField("entryOperations").get(chronicle);
            java.lang.reflect.Field bumps = operations.getClass().getDeclaredField("bumps");
            bumps.setAccessible(true);
            ((dev.statestore.internal.lock.VersionBumps) bumps.get(operations)).attach(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot switch the bumps off: " + e, e);
        }
    }

    private static void mixed(StoreMap<String, byte[]> m, String key, boolean put, byte[][] pool, int[] puts) {
        if (put) {
            m.put(key, pool[puts[0]++ & (Workload.VALUE_POOL - 1)]);
        } else {
            m.get(key);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
