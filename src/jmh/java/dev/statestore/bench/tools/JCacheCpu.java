package dev.statestore.bench.tools;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.bench.Workload;
import dev.statestore.jcache.StateStoreCachingProvider;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.IntConsumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;

/**
 * JCache get and put against the {@code StoreMap} get and put they are measured against (issue 14:
 * at most 10 % slower), by CPU time per operation, the cases interleaved in one JVM: on this shared
 * machine JMH runs one benchmark after the other, each in its own fork, and the load moves between
 * them, so the ratio of two forks' figures moves by more than the gap it measures; here every round
 * measures each case once over every key, in an order that alternates round by round (ABBA), so a
 * change of load falls on all cases alike. The workload is {@code JCacheBench}'s: {@code keys} keys
 * {@code key-%010d}, 100-byte values, one shuffled order, a {@code Cache<String, byte[]>} with the
 * default configuration (eternal, statistics off, no listeners) and a {@code StoreMap<String,
 * byte[]>}, in one data directory. Prints each case's median ns of CPU per operation and the ratios
 * of medians. Both paths share Chronicle Map's code in this JVM (with two key types where a JMH fork
 * has one), so the absolute figures are not JMH's; the ratios are what it is for.
 * Usage: {@code JCacheCpu DIR [ROUNDS] [KEYS] [put|get|all|compute]} ({@code compute}: StoreMap's compute
 * against its put, the engine operation an eternal JCache put is).
 */
public final class JCacheCpu {
    private JCacheCpu() {
    }

    public static void main(String[] args) {
        Path dir = Workload.newDir(args[0], "jcachecpu");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        String which = args.length > 3 ? args[3] : "all";
        String[] keys = Workload.keys(n);
        int[] order = Workload.shuffled(n, 1);
        byte[][] pool = Workload.values(Workload.VALUE_POOL, Workload.VALUE_SIZE, 2);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CacheManager manager = null;
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> map = store.map("map", String.class, byte[].class);
            manager = new StateStoreCachingProvider().getCacheManager(dir.toUri(), JCacheCpu.class.getClassLoader(),
                    new Properties());
            Cache<String, byte[]> cache = manager.createCache("cache",
                    new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
            for (int i = 0; i < n; i++) {
                map.put(keys[i], Workload.initialValue(pool, i));
                cache.put(keys[i], Workload.initialValue(pool, i));
            }
            int[] puts = {0};
            List<String> names = new ArrayList<>();
            List<IntConsumer> cases = new ArrayList<>();
            if (which.equals("compute")) { // what an eternal JCache put is made of: StoreMap.compute against StoreMap.put
                names.addAll(List.of("StoreMap put", "StoreMap compute"));
                cases.add(i -> map.put(keys[i], pool[puts[0]++ & (Workload.VALUE_POOL - 1)]));
                cases.add(i -> {
                    byte[] value = pool[puts[0]++ & (Workload.VALUE_POOL - 1)];
                    map.compute(keys[i], (k, old) -> value);
                });
            } else if (!which.equals("get")) {
                names.addAll(List.of("StoreMap put", "JCache put"));
                cases.add(i -> map.put(keys[i], pool[puts[0]++ & (Workload.VALUE_POOL - 1)]));
                cases.add(i -> cache.put(keys[i], pool[puts[0]++ & (Workload.VALUE_POOL - 1)]));
            }
            if (which.equals("get") || which.equals("all")) {
                names.addAll(List.of("StoreMap get", "JCache get"));
                cases.add(i -> map.get(keys[i]));
                cases.add(i -> cache.get(keys[i]));
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
                    double perOp = (threads.getCurrentThreadCpuTime() - cpu) / (double) n;
                    if (round > 0) { // round 0 warms up
                        nanos.get(c).add(perOp);
                    }
                }
            }
            double[] median = new double[cases.size()];
            for (int c = 0; c < cases.size(); c++) {
                double[] v = nanos.get(c).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                median[c] = v[v.length / 2];
                System.out.printf(Locale.ROOT, "%-13s %6.0f ns CPU/op (min %.0f, max %.0f)%n", names.get(c), median[c],
                        v[0], v[v.length - 1]);
            }
            for (int c = 0; c + 1 < cases.size(); c += 2) {
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    ratios.add(nanos.get(c).get(r) / nanos.get(c + 1).get(r));
                }
                double[] v = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "%s / %s: %.3f x (median of rounds' ratios %.3f, min %.3f, max %.3f)%n",
                        names.get(c + 1), names.get(c), median[c] / median[c + 1], v[v.length / 2], v[0], v[v.length - 1]);
            }
            System.out.println("(ratios of speed: StoreMap's CPU per op over JCache's) " + Arrays.toString(args));
        } finally {
            if (manager != null) {
                manager.close();
            }
            Workload.delete(dir);
        }
    }
}
