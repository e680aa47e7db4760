package dev.statestore.bench.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tables of BENCHMARKS.md from the raw results of one {@code ops/bench/compare.sh} run:
 * {@code Report DIR}. Reads {@code jmh-*.json} (JMH), {@code redis-CASE-rN.csv}
 * ({@code redis-benchmark --csv}), {@code bench-CASE-rN.json} ({@code statestore bench --json})
 * and {@code times.tsv} (NAME, milliseconds). Every figure is the median of the samples it has:
 * of the measured iterations for JMH, of the repetitions otherwise. Ratios are to statestore
 * with its journal on (default sync, async) doing the same operation in the same run.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<JsonNode> jmh = new ArrayList<>();
    /** Results of the store-near run (its raw getUsing is the near rows' baseline, apart from the baselines run's). */
    private final List<JsonNode> nearRun = new ArrayList<>();
    private final Map<String, List<Double>> times = new HashMap<>();

    private Report(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        Report r = new Report(Path.of(args[0]));
        r.read();
        r.print();
    }

    private void read() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "jmh-*.json")) {
            for (Path f : files) {
                if (Files.size(f) > 0) {
                    boolean near = f.getFileName().toString().equals("jmh-store-near.json");
                    for (JsonNode n : JSON.readTree(f.toFile())) {
                        (near ? nearRun : jmh).add(n);
                        if (near && n.path("params").has("near")) {
                            jmh.add(n); // the store's rows: matched by their near parameter
                        }
                    }
                }
            }
        }
        Path tsv = dir.resolve("times.tsv");
        if (Files.exists(tsv)) {
            for (String line : Files.readAllLines(tsv)) {
                String[] parts = line.split("\t");
                if (parts.length == 2) {
                    times.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Double.parseDouble(parts[1]));
                }
            }
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Median of the measured iterations of a JMH benchmark ("Class.method") with these params and threads. */
    private double jmh(String benchmark, int threads, String... params) {
        return jmh(jmh, benchmark, threads, params);
    }

    private static double jmh(List<JsonNode> results, String benchmark, int threads, String... params) {
        for (JsonNode n : results) {
            if (!n.get("benchmark").asText().endsWith("." + benchmark) || n.get("threads").asInt() != threads) {
                continue;
            }
            JsonNode near = n.path("params").get("near");
            boolean match = near == null || near.asText().equals("0") || java.util.Arrays.asList(params).contains("near");
            for (int i = 0; i < params.length; i += 2) {
                JsonNode p = n.path("params").get(params[i]);
                match &= p != null && p.asText().equals(params[i + 1]);
            }
            if (match) {
                List<Double> values = new ArrayList<>();
                for (JsonNode fork : n.get("primaryMetric").get("rawData")) {
                    for (JsonNode v : fork) {
                        values.add(v.asDouble());
                    }
                }
                return median(values);
            }
        }
        return Double.NaN;
    }

    /** The near-cache size of the store-near run (compare.sh sets it to its key count): what its rows match. */
    private String keys() {
        for (JsonNode n : jmh) {
            JsonNode near = n.path("params").get("near");
            if (near != null && !near.asText().equals("0")) {
                return near.asText();
            }
        }
        return "1000000";
    }

    /** Median over the repetitions {@code PREFIX-rN.EXT} of a figure read from each file. */
    private double repeated(String prefix, String ext, ToDoubleFunction<Path> figure) throws IOException {
        List<Double> values = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "-r*." + ext)) {
            for (Path f : files) {
                double v = figure.applyAsDouble(f);
                if (!Double.isNaN(v)) {
                    values.add(v);
                }
            }
        }
        return median(values);
    }

    private double redis(String test) throws IOException {
        return repeated("redis-" + test, "csv", f -> {
            try {
                List<String> lines = Files.readAllLines(f);
                String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
                String[] cells = last.split("\",\"");
                return cells.length > 1 ? Double.parseDouble(cells[1].replace("\"", "")) : Double.NaN;
            } catch (IOException | NumberFormatException e) {
                return Double.NaN;
            }
        });
    }

    private double bench(String test, String... path) throws IOException {
        return repeated("bench-" + test, "json", f -> {
            try {
                JsonNode n = JSON.readTree(f.toFile());
                for (String p : path) {
                    n = n.path(p);
                }
                return n.isNumber() ? n.asDouble() : Double.NaN;
            } catch (IOException e) {
                return Double.NaN;
            }
        });
    }

    private double time(String name) {
        return median(times.getOrDefault(name, List.of()));
    }

    private double openMillis(String test) throws IOException {
        return bench(test, "medianMillis");
    }

    // ---------------------------------------------------------------- output

    private void print() throws IOException {
        double getRef = jmh("StoreBench.get", 1, "journal", "async", "metrics", "unbound");
        double putRef = jmh("StoreBench.put", 1, "journal", "async", "metrics", "unbound");
        double rawGetUsing = jmh("ChronicleMapBench.getUsing", 1);
        double getUsingRef = jmh("StoreBench.getUsing", 1, "journal", "async", "metrics", "unbound");
        double rawPut = jmh("ChronicleMapBench.put", 1);
        double redisGet = redis("get-c1");
        double redisGetP16 = redis("get-c1-p16");

        System.out.println("### Throughput, workload W (ops/s; medians of the measured iterations)");
        System.out.println();
        System.out.println("| operation | what | threads | ops/s | x statestore, journal on |");
        System.out.println("|---|---|---:|---:|---:|");
        row("get", "**statestore** (journal on, sync async)", 1, getRef, getRef);
        row("get", "statestore, metrics bound (Prometheus registry)", 1,
                jmh("StoreBench.get", 1, "journal", "async", "metrics", "bound"), getRef);
        row("get", "statestore `getUsing` (reused buffer)", 1, getUsingRef, getRef);
        row("get", "raw Chronicle Map `getUsing` (reused buffer)", 1, rawGetUsing, getRef);
        row("get", "raw Chronicle Map `get`", 1, jmh("ChronicleMapBench.get", 1), getRef);
        row("get", "ConcurrentHashMap", 1, jmh("ConcurrentHashMapBench.get", 1), getRef);
        row("get", "lmdbjava (read txn per get)", 1, jmh("LmdbBench.get", 1), getRef);
        row("get", "Redis GET, 1 client", 1, redisGet, getRef);
        row("get", "Redis GET, 1 client, pipeline 16", 1, redisGetP16, getRef);
        row("get", "Redis GET, 50 clients", 1, redis("get-c50"), getRef);
        row("get", "**statestore** (journal on)", 2, jmh("StoreBench.get", 2, "journal", "async", "metrics", "unbound"), getRef);
        row("get", "raw Chronicle Map `getUsing`", 2, jmh("ChronicleMapBench.getUsing", 2), getRef);
        row("get", "ConcurrentHashMap", 2, jmh("ConcurrentHashMapBench.get", 2), getRef);
        row("put", "**statestore**, journal on, sync async", 1, putRef, putRef);
        row("put", "statestore, journal on, sync none", 1, jmh("StoreBench.put", 1, "journal", "none", "metrics", "unbound"), putRef);
        row("put", "statestore, journal on, sync always", 1, jmh("StoreBench.put", 1, "journal", "always", "metrics", "unbound"), putRef);
        row("put", "statestore, journal off", 1, jmh("StoreBench.put", 1, "journal", "off", "metrics", "unbound"), putRef);
        row("put", "statestore, journal off, metrics bound", 1, jmh("StoreBench.put", 1, "journal", "off", "metrics", "bound"), putRef);
        row("put", "raw Chronicle Map `put`", 1, rawPut, putRef);
        row("put", "ConcurrentHashMap", 1, jmh("ConcurrentHashMapBench.put", 1), putRef);
        row("put", "lmdbjava (write txn per put, MDB_NOSYNC)", 1, jmh("LmdbBench.put", 1), putRef);
        row("put", "Redis SET (appendonly, fsync everysec), 1 client", 1, redis("set-c1"), putRef);
        row("put", "Redis SET, 1 client, pipeline 16", 1, redis("set-c1-p16"), putRef);
        row("put", "**statestore**, journal on", 2, jmh("StoreBench.put", 2, "journal", "async", "metrics", "unbound"), putRef);
        row("put", "raw Chronicle Map `put`", 2, jmh("ChronicleMapBench.put", 2), putRef);
        double mixedRef = jmh("StoreBench.mixed", 1, "journal", "async", "metrics", "unbound");
        row("mixed 90/10", "**statestore**, journal on", 1, mixedRef, mixedRef);
        row("mixed 90/10", "statestore, journal on, metrics bound", 1,
                jmh("StoreBench.mixed", 1, "journal", "async", "metrics", "bound"), mixedRef);
        row("mixed 90/10", "**statestore**, journal on", 2, jmh("StoreBench.mixed", 2, "journal", "async", "metrics", "unbound"), mixedRef);
        // the near-cache rows (issue 16) come from one run (store-near), each against its own baseline of that run
        double nearGet = jmh("StoreBench.get", 1, "near", keys());
        double nearGetUsing = jmh("StoreBench.getUsing", 1, "near", keys());
        row("get", "statestore `get` through a near cache of every key", 1, nearGet, getRef);
        row("get", "statestore `getUsing` through a near cache of every key", 1, nearGetUsing, getRef);
        row("get", "raw Chronicle Map `getUsing`, in the near cache's run", 1, jmh(nearRun, "ChronicleMapBench.getUsing", 1), getRef);
        row("mixed 90/10", "statestore through a near cache of every key", 1, jmh("StoreBench.mixed", 1, "near", keys()), mixedRef);
        double mixed5050 = jmh("StoreBench.mixed5050", 1, "near", "0");
        row("mixed 50/50", "**statestore**, journal on", 1, mixed5050, mixed5050);
        row("mixed 50/50", "statestore through a near cache of every key", 1, jmh("StoreBench.mixed5050", 1, "near", keys()),
                mixed5050);

        jcache();
        near();

        System.out.println();
        System.out.println("### The get path, piece by piece (GetPathBench on raw Chronicle Map; 1 thread)");
        System.out.println();
        System.out.println("| variant | ops/s | ns per get |");
        System.out.println("|---|---:|---:|");
        path("statestore `get` (StoreBench, journal on)", getRef);
        path("raw `getUsing` (one context, reused array)", rawGetUsing);
        path("raw `get` (one context, new array)", jmh("ChronicleMapBench.get", 1));
        path("statestore `getUsing` (StoreBench, journal on, reused array)", getUsingRef);
        path("stripe (CAS + release store) around raw `getUsing`", jmh("GetPathBench.stripedGetUsing", 1));
        path("stripe (CAS + CAS) around raw `getUsing`", jmh("GetPathBench.stripedGetUsingCasUnlock", 1));
        path("`segmentOf` alone (a query context opened and closed)", jmh("GetPathBench.segmentOfOnly", 1));
        path("`segmentOf` + raw `get` (two contexts, no stripe, no meters)", jmh("GetPathBench.segmentOfThenGet", 1));
        path("one context: segment index + read lock + value (new array)", jmh("GetPathBench.oneContextGet", 1));
        path("one context: segment index + read lock + value (reused array)", jmh("GetPathBench.oneContextGetUsing", 1));

        double put1 = bench("put-p1", "opsPerSecond");
        double put2 = bench("put-p2", "opsPerSecond");
        double get1 = bench("get-p1", "opsPerSecond");
        double get2 = bench("get-p2", "opsPerSecond");
        System.out.println();
        System.out.println("### Processes on one store (`statestore bench`, 1 thread each; medians of the rounds)");
        System.out.println();
        System.out.println("| operation | 1 process ops/s | 2 processes ops/s | scaling"
                + " | p99 us, 1 / 2 processes | p99.9 us, 1 / 2 processes |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| put, journal on | %s | %s | %s | %s / %s | %s / %s |%n", num(put1), num(put2), ratio(put2, put1),
                dec(bench("put-p1", "latencyMicros", "p99")), dec(bench("put-p2", "latencyMicros", "p99")),
                dec(bench("put-p1", "latencyMicros", "p999")), dec(bench("put-p2", "latencyMicros", "p999")));
        System.out.printf(Locale.ROOT, "| get | %s | %s | %s | %s / %s | %s / %s |%n", num(get1), num(get2), ratio(get2, get1),
                dec(bench("get-p1", "latencyMicros", "p99")), dec(bench("get-p2", "latencyMicros", "p99")),
                dec(bench("get-p1", "latencyMicros", "p999")), dec(bench("get-p2", "latencyMicros", "p999")));

        System.out.println();
        System.out.println("### Journal event latency, writer JVM to subscriber JVM (us; medians of the runs)");
        System.out.println();
        System.out.println("| subscriber waits | events/s | p50 | p99 | p99.9 | max |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String wait : List.of("busy", "park")) {
            String c = "sub-" + wait;
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", wait, num(bench(c, "opsPerSecond")),
                    dec(bench(c, "latencyMicros", "p50")), dec(bench(c, "latencyMicros", "p99")),
                    dec(bench(c, "latencyMicros", "p999")), dec(bench(c, "latencyMicros", "max")));
        }

        System.out.println();
        System.out.println("### Restart and reattach (ms; medians)");
        System.out.println();
        System.out.println("| what | 1M entries | 10M entries |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| statestore: `StateStore.open` called to first get, warm JVM | %s | %s |%n",
                dec(openMillis("open-1m")), dec(openMillis("open-10m")));
        System.out.printf(Locale.ROOT, "| statestore: process start to first get (`ops/statestore get`, journal on) | %s | %s |%n",
                dec(time("proc-1m")), dec(time("proc-10m")));
        System.out.printf(Locale.ROOT, "| statestore, store without journal: `open` to first get, warm JVM | %s | |%n",
                dec(openMillis("open-nj-1m")));
        System.out.printf(Locale.ROOT, "| statestore, store without journal: process start to first get | %s | |%n",
                dec(time("proc-nj-1m")));
        System.out.printf(Locale.ROOT, "| the same JVM start without a store (`ops/statestore --version`) | %s | |%n",
                dec(time("jvm-floor")));
        System.out.printf(Locale.ROOT, "| Redis: server start to first GET, from RDB | %s | %s |%n",
                dec(time("redis-rdb-1m")), dec(time("redis-rdb-10m")));
        System.out.printf(Locale.ROOT, "| Redis: server start to first GET, from AOF | %s | %s |%n",
                dec(time("redis-aof-1m")), dec(time("redis-aof-10m")));

        System.out.println();
        System.out.println("### Targets");
        System.out.println();
        System.out.println("| target | measured | met |");
        System.out.println("|---|---:|:---:|");
        target("get >= 1.0 x raw Chronicle Map getUsing", getRef / rawGetUsing, 1.0, true, "x");
        target("getUsing >= 1.0 x raw Chronicle Map getUsing (both reuse a buffer)", getUsingRef / rawGetUsing, 1.0, true, "x");
        double nearRaw = jmh(nearRun, "ChronicleMapBench.getUsing", 1);
        target("near-cache get >= 3 x raw Chronicle Map getUsing (every key near; raw of the same run)",
                jmh("StoreBench.get", 1, "near", keys()) / (Double.isNaN(nearRaw) ? rawGetUsing : nearRaw), 3, true, "x");
        target("near-cache 90/10 >= 1.0 x the same store without (same run)", jmh("StoreBench.mixed", 1, "near", keys())
                / jmh("StoreBench.mixed", 1, "near", "0"), 1.0, true, "x");
        target("near-cache 50/50 >= 0.9 x the same store without (same run)", jmh("StoreBench.mixed5050", 1, "near", keys())
                / jmh("StoreBench.mixed5050", 1, "near", "0"), 0.9, true, "x");
        target("get >= 10 x Redis GET unpipelined", getRef / redisGet, 10, true, "x");
        target("get >= 2 x Redis GET, pipeline 16", getRef / redisGetP16, 2, true, "x");
        target("put with journal >= 0.5 x raw Chronicle Map put", putRef / rawPut, 0.5, true, "x");
        target("2 writer processes >= 1.6 x one", put2 / put1, 1.6, true, "x");
        target("process start to first get <= 500 ms, 1M", time("proc-1m"), 500, false, "ms");
        target("process start to first get <= 500 ms, 10M", time("proc-10m"), 500, false, "ms");
        target("open to first get < 20 ms, 10M, warm JVM", openMillis("open-10m"), 20, false, "ms");
        target("event p50 < 2 us, busy", bench("sub-busy", "latencyMicros", "p50"), 2, false, "us");
        target("event p99 < 20 us, busy", bench("sub-busy", "latencyMicros", "p99"), 20, false, "us");
        target("event p99 < 2 ms, parked", bench("sub-park", "latencyMicros", "p99") / 1000, 2, false, "ms");
    }

    /** JCacheBench (JCache over StoreMap) and JCacheProvidersBench (statestore's JCache vs Caffeine's and Ehcache 3's). */
    /**
     * The near cache's heap per value (printed by StoreBench's set-up in the store-near run) and its
     * hit ratios against Caffeine and an exact LRU ({@code hit-ratio.sh near}), when the run has them.
     */
    private void near() throws IOException {
        Path log = dir.resolve("jmh-store-near.log");
        Path ratios = dir.resolve("near-hit-ratio.md");
        System.out.println();
        System.out.println("### Near cache (issue 16)");
        System.out.println();
        if (Files.exists(log)) {
            // printed by the set-up inside JMH's first warm-up line: "# Warmup Iteration   1: near cache: ..."
            Files.readAllLines(log).stream().filter(l -> l.contains("near cache:")).findFirst()
                    .ifPresent(l -> System.out.println("Heap (StoreBench set-up, 100-byte values): "
                            + l.substring(l.indexOf("near cache:") + 11).trim()));
            System.out.println();
        }
        if (Files.exists(ratios)) {
            System.out.println("Hit ratios on Zipf traces (100k keys, 1M requests; `hit-ratio.sh near`):");
            System.out.println();
            Files.readAllLines(ratios).stream().filter(l -> l.startsWith("|")).forEach(System.out::println);
        }
    }

    private void jcache() {
        double storeGet = jmh("JCacheBench.storeMapGet", 1);
        double storePut = jmh("JCacheBench.storeMapPut", 1);
        if (Double.isNaN(storeGet) && Double.isNaN(jmh("JCacheProvidersBench.get", 1, "provider", "statestore"))) {
            return;
        }
        System.out.println();
        System.out.println("### JCache (200k keys, 100-byte values, eternal cache, store-by-value, statistics off; 1 thread)");
        System.out.println();
        System.out.println("| operation | what | threads | ops/s | x its reference (the first row of its group) |");
        System.out.println("|---|---|---:|---:|---:|");
        row("get", "statestore `StoreMap.get`", 1, storeGet, storeGet);
        row("get", "**statestore JCache** `Cache.get` (JCacheBench)", 1, jmh("JCacheBench.jcacheGet", 1), storeGet);
        row("put", "statestore `StoreMap.put`", 1, storePut, storePut);
        row("put", "**statestore JCache** `Cache.put` (JCacheBench)", 1, jmh("JCacheBench.jcachePut", 1), storePut);
        for (String op : new String[] {"get", "put"}) {
            double ours = jmh("JCacheProvidersBench." + op, 1, "provider", "statestore");
            row(op, "**statestore JCache** (JCacheProvidersBench)", 1, ours, ours);
            row(op, "Caffeine JCache (on-heap, this JVM only)", 1, jmh("JCacheProvidersBench." + op, 1, "provider", "caffeine"), ours);
            row(op, "Ehcache 3 JCache (on-heap, this JVM only)", 1, jmh("JCacheProvidersBench." + op, 1, "provider", "ehcache"), ours);
        }
    }

    private static void row(String op, String what, int threads, double value, double ref) {
        if (Double.isNaN(value)) {
            return;
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s |%n", op, what, threads, num(value), ratio(value, ref));
    }

    private static void path(String what, double value) {
        if (!Double.isNaN(value)) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f |%n", what, num(value), 1e9 / value);
        }
    }

    private static void target(String what, double value, double bound, boolean atLeast, String unit) {
        String met = Double.isNaN(value) ? "not measured" : (atLeast ? value >= bound : value <= bound) ? "yes" : "**no**";
        String shown = Double.isNaN(value) ? "-" : (unit.equals("x") ? String.format(Locale.ROOT, "%.2f x", value)
                : String.format(Locale.ROOT, "%s %s", dec(value), unit));
        System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", what, shown, met);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String dec(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double v, double ref) {
        return Double.isNaN(v) || Double.isNaN(ref) || ref == 0 ? "-" : String.format(Locale.ROOT, "%.2f", v / ref);
    }
}
