package dev.statestore.internal.tools;

import dev.statestore.Durability;
import dev.statestore.MapOptions;
import dev.statestore.Position;
import dev.statestore.StateStore;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.SubscribeOptions;
import dev.statestore.Subscription;
import dev.statestore.internal.cli.Commands;
import dev.statestore.internal.cli.Main;
import dev.statestore.internal.cli.Rendering;
import dev.statestore.internal.cli.UsageException;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.map.DefaultStateStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code statestore bench}: a load generator in the spirit of {@code redis-benchmark}. Keys are
 * {@code key-%010d}, values random bytes, visited in a shuffled order; the store is created as
 * {@code String -> byte[]} when missing and filled before reads. Every operation is timed into an
 * HdrHistogram. With {@code --processes N} it starts N-1 child JVMs (same java, class path and JVM
 * flags as this one) running the same bench on the same store, and adds up their results.
 *
 * <p>Besides get, put and mixed: {@code subscribe-latency} subscribes here and starts one writer
 * JVM that puts {@link System#nanoTime()} into each value (comparable across JVMs on one Linux
 * host: CLOCK_MONOTONIC); {@code open} times {@code StateStore.open} to the first get, repeatedly,
 * in this warm JVM.
 */
@Command(name = "bench", sortOptions = false,
        description = "Load generator (like redis-benchmark): ops/s and latency percentiles of get, put, mixed,"
                + " journal event latency across JVMs (subscribe-latency) or reattach time (open).")
public final class BenchCommand extends Commands.Base {
    private static final int KEY_SIZE = 14;
    private static final int VALUE_POOL = 64;
    private static final long CHILD_START_NANOS = TimeUnit.SECONDS.toNanos(180);

    @Option(names = "--store", defaultValue = "bench", description = "Store to use (default: ${DEFAULT-VALUE}).")
    String storeName;

    @Option(names = "--op", defaultValue = "get", paramLabel = "OP",
            description = "get | put | mixed | subscribe-latency | open (default: ${DEFAULT-VALUE}).")
    String op;

    @Option(names = "--ratio", defaultValue = "90:10", paramLabel = "READS:WRITES",
            description = "mixed: share of gets and puts (default: ${DEFAULT-VALUE}).")
    String ratio;

    @Option(names = "--keys", defaultValue = "1000000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--value-size", defaultValue = "100", paramLabel = "BYTES",
            description = "Value size in bytes (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--threads", defaultValue = "1", description = "Threads per process (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--processes", defaultValue = "1",
            description = "Processes on the same store: this one and N-1 child JVMs (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--duration", defaultValue = "10s", paramLabel = "TIME",
            description = "Measured time: 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", paramLabel = "TIME",
            description = "Unmeasured time before it (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--journal", defaultValue = "on", paramLabel = "on|off",
            description = "A new store: with or without journal (default: ${DEFAULT-VALUE}).")
    String journal;

    @Option(names = "--sync", defaultValue = "async", paramLabel = "MODE",
            description = "A new store: none | async | always (default: ${DEFAULT-VALUE}).")
    String sync;

    @Option(names = "--wait", defaultValue = "busy", paramLabel = "busy|yield|park",
            description = "subscribe-latency: the subscriber's wait strategy (default: ${DEFAULT-VALUE}).")
    String waitStrategy;

    @Option(names = "--rate", defaultValue = "1000",
            description = "subscribe-latency: writes per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--repeat", defaultValue = "5", description = "open: how many reattaches (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--child", hidden = true, description = "Internal: run as a child (worker | writer).")
    String child;

    private long warmupNanos;
    private long durationNanos;
    private int writePercent;

    @Override
    public Integer call() throws IOException, InterruptedException {
        validate();
        if (child != null) {
            return runChild();
        }
        switch (op) {
            case "open": return runOpen();
            case "subscribe-latency": return runSubscribeLatency();
            default: return runLoad();
        }
    }

    private void validate() {
        if (!List.of("get", "put", "mixed", "subscribe-latency", "open").contains(op)) {
            throw new UsageException("--op must be get, put, mixed, subscribe-latency or open, was '" + op + "'");
        }
        if (keys < 1 || valueSize < 1 || threads < 1 || processes < 1 || rate < 1 || repeat < 1) {
            throw new UsageException("--keys, --value-size, --threads, --processes, --rate and --repeat must be positive");
        }
        if (op.equals("subscribe-latency") && valueSize < Long.BYTES) {
            throw new UsageException("subscribe-latency needs --value-size of at least 8 (the time stamp)");
        }
        if (!journal.equals("on") && !journal.equals("off")) {
            throw new UsageException("--journal must be on or off, was '" + journal + "'");
        }
        syncMode();
        warmupNanos = nanos(warmup, "--warmup");
        durationNanos = nanos(duration, "--duration");
        if (durationNanos <= 0) {
            throw new UsageException("--duration must be more than 0");
        }
        String[] parts = ratio.split(":");
        try {
            int reads = Integer.parseInt(parts[0].trim());
            int writes = Integer.parseInt(parts[1].trim());
            if (parts.length != 2 || reads < 0 || writes < 0 || reads + writes == 0) {
                throw new NumberFormatException();
            }
            writePercent = (int) Math.round(100.0 * writes / (reads + writes));
        } catch (RuntimeException e) {
            throw new UsageException("--ratio must be READS:WRITES, e.g. 90:10, was '" + ratio + "'");
        }
    }

    private Durability syncMode() {
        try {
            return Durability.valueOf(sync.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sync must be none, async or always, was '" + sync + "'");
        }
    }

    static long nanos(String text, String option) {
        java.time.Duration d = dev.statestore.internal.config.Durations.parse(text);
        if (d == null || d.isNegative()) {
            throw new UsageException(option + " must be a time such as 500ms, 10s or 1m, was '" + text + "'");
        }
        return d.toNanos();
    }

    // ---------------------------------------------------------------- the store and its data

    private MapOptions options() {
        return MapOptions.builder().entries(keys).averageKeySize(KEY_SIZE).averageValueSize(valueSize)
                .journal(journal.equals("on")).sync(syncMode()).build();
    }

    private StoreMap<String, byte[]> map(StateStore store) {
        return store.map(storeName, String.class, byte[].class, options());
    }

    /** {@code key-%010d}. */
    static String key(long i) {
        char[] c = "key-0000000000".toCharArray();
        for (int at = c.length - 1; i > 0 && at >= 4; at--, i /= 10) {
            c[at] = (char) ('0' + i % 10);
        }
        return new String(c);
    }

    private String[] keyStrings() {
        String[] k = new String[keys];
        for (int i = 0; i < keys; i++) {
            k[i] = key(i);
        }
        return k;
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private byte[][] values(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] pool = new byte[VALUE_POOL][valueSize];
        for (byte[] v : pool) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) random.nextInt(256);
            }
        }
        return pool;
    }

    /** Puts every key the store lacks (all of them when it holds fewer entries than --keys). */
    private void fill(StoreMap<String, byte[]> map, String[] keyStrings) {
        if (map.longSize() >= keys && map.containsKey(keyStrings[keys - 1]) && map.containsKey(keyStrings[0])) {
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("bench: filling store '" + storeName + "' with " + keys + " keys...");
        err.flush();
        byte[][] pool = values(1);
        long began = System.nanoTime();
        for (int i = 0; i < keys; i++) {
            map.putIfAbsent(keyStrings[i], pool[i % VALUE_POOL]);
        }
        err.printf(Locale.ROOT, "bench: filled in %.1f s%n", (System.nanoTime() - began) / 1e9);
        err.flush();
    }

    // ---------------------------------------------------------------- get, put, mixed


    private int runLoad() throws InterruptedException {
        List<BenchChild.Result> results = new ArrayList<>();
        try (DefaultStateStore store = main.openStore()) {
            StoreMap<String, byte[]> map = map(store);
            String[] keyStrings = keyStrings();
            fill(map, keyStrings); // puts overwrite, as gets find, every key: the steady state
            List<BenchChild> children = new ArrayList<>();
            try {
                for (int i = 1; i < processes; i++) {
                    children.add(BenchChild.start(childArgs("worker")));
                }
                for (BenchChild c : children) {
                    c.expect("ready", CHILD_START_NANOS);
                }
                for (BenchChild c : children) {
                    c.send("go");
                }
                results.add(drive(map, keyStrings, ProcessHandle.current().pid()));
                for (BenchChild c : children) {
                    results.add(BenchChild.parseResult(c.expectJson(warmupNanos + durationNanos + CHILD_START_NANOS)));
                }
            } finally {
                children.forEach(BenchChild::close);
            }
            report(results, describe(store, map), null);
        }
        return Main.OK;
    }

    /** Runs the operations on --threads threads for the warm-up and the measured time. */
    private BenchChild.Result drive(StoreMap<String, byte[]> map, String[] keyStrings, long seed) throws InterruptedException {
        int[] order = shuffled(keys, seed);
        byte[][] pool = values(seed);
        Histogram[] histograms = new Histogram[threads];
        long[] ops = new long[threads];
        long[] misses = new long[threads];
        long[] last = new long[threads];
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            histograms[t] = new Histogram(3);
            workers[t] = new Thread(() -> {
                Histogram h = histograms[thread];
                SplittableRandom random = new SplittableRandom(seed * 31 + thread);
                int cursor = (int) ((long) keys * thread / threads);
                int puts = thread;
                long count = 0;
                long missed = 0;
                long now = System.nanoTime();
                while (now < end) {
                    int k = order[cursor];
                    cursor = cursor + 1 == keys ? 0 : cursor + 1;
                    boolean write = op.equals("put") || (op.equals("mixed") && random.nextInt(100) < writePercent);
                    boolean hit = true;
                    if (write) {
                        map.put(keyStrings[k], pool[puts++ & (VALUE_POOL - 1)]);
                    } else {
                        hit = map.get(keyStrings[k]) != null;
                    }
                    long done = System.nanoTime();
                    if (now >= measureFrom) {
                        h.recordValue(done - now);
                        count++;
                        if (!hit) {
                            missed++;
                        }
                    }
                    now = done;
                }
                ops[thread] = count;
                misses[thread] = missed;
                last[thread] = now;
            }, "bench-" + t);
            workers[t].start();
        }
        Histogram all = new Histogram(3);
        long lastDone = end;
        long total = 0;
        long totalMisses = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            all.add(histograms[t]);
            total += ops[t];
            totalMisses += misses[t];
            lastDone = Math.max(lastDone, last[t]);
        }
        return new BenchChild.Result(ProcessHandle.current().pid(), total, totalMisses, lastDone - measureFrom, all);
    }

    // ---------------------------------------------------------------- children

    private int runChild() throws IOException, InterruptedException {
        PrintWriter out = out();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (DefaultStateStore store = main.openStore()) {
            StoreMap<String, byte[]> map = map(store);
            String[] keyStrings = keyStrings();
            out.println("ready");
            out.flush();
            String line = in.readLine();
            if (!"go".equals(line)) {
                throw new UsageException("bench child: expected 'go' on stdin, got " + line);
            }
            BenchChild.Result result;
            switch (child) {
                case "worker":
                    result = drive(map, keyStrings, ProcessHandle.current().pid());
                    break;
                case "writer":
                    result = write(map, keyStrings);
                    break;
                default:
                    throw new UsageException("--child must be worker or writer, was '" + child + "'");
            }
            out.println(Rendering.json().writeValueAsString(BenchChild.resultJson(result)));
            out.flush();
        }
        return Main.OK;
    }

    /** The arguments of a child running this bench in role {@code role}. */
    private List<String> childArgs(String role) {
        List<String> args = new ArrayList<>();
        args.add("--data");
        args.add(store().toString());
        if (main.config != null) {
            args.add("--config");
            args.add(main.config.toAbsolutePath().toString());
        }
        args.addAll(List.of("bench", "--child", role, "--store", storeName, "--op", op, "--ratio", ratio,
                "--keys", Integer.toString(keys), "--value-size", Integer.toString(valueSize),
                "--threads", Integer.toString(threads), "--warmup", warmupNanos / 1_000_000 + "ms",
                "--duration", durationNanos / 1_000_000 + "ms", "--journal", journal, "--sync", sync,
                "--rate", Integer.toString(rate)));
        return args;
    }

    private Path store() {
        return main.storeConfig().dataDir().toAbsolutePath().normalize();
    }

    // ---------------------------------------------------------------- subscribe-latency

    private int runSubscribeLatency() throws InterruptedException {
        SubscribeOptions.WaitStrategy strategy = Rendering.waitStrategy(waitStrategy);
        try (DefaultStateStore store = main.openStore()) {
            StoreMap<String, byte[]> map = map(store);
            if (!map.hasJournal()) {
                throw new UsageException("store '" + storeName + "' has no journal: subscribe-latency needs one");
            }
            Recorder recorder = new Recorder(3);
            AtomicLong events = new AtomicLong();
            BenchChild.Result writer;
            long measured;
            Histogram writerPuts;
            Histogram latency;
            Subscription subscription = map.subscribe(Position.END, e -> {
                long now = System.nanoTime();
                byte[] v = e.value();
                if (v != null && v.length >= Long.BYTES) {
                    recorder.recordValue(Math.max(0, now - ByteBuffer.wrap(v).getLong(0)));
                    events.incrementAndGet();
                }
            }, SubscribeOptions.builder().waitStrategy(strategy).build());
            try (BenchChild child = BenchChild.start(childArgs("writer"))) {
                child.expect("ready", CHILD_START_NANOS);
                child.send("go");
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmupNanos));
                recorder.getIntervalHistogram();
                long before = events.get();
                long from = System.nanoTime();
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(durationNanos));
                latency = recorder.getIntervalHistogram();
                measured = events.get() - before;
                long elapsed = System.nanoTime() - from;
                writer = BenchChild.parseResult(child.expectJson(warmupNanos + durationNanos + CHILD_START_NANOS));
                writerPuts = writer.histogram();
                writer = new BenchChild.Result(writer.pid(), measured, 0, elapsed, latency);
            } finally {
                subscription.close();
            }
            report(List.of(writer), describe(store, map) + ", subscriber waits " + waitStrategy + ", writer JVM at "
                    + rate + " puts/s", writerPuts);
        }
        return Main.OK;
    }

    /** The writer of subscribe-latency: --rate puts per second, each value starting with nanoTime. */
    private BenchChild.Result write(StoreMap<String, byte[]> map, String[] keyStrings) {
        byte[] value = values(7)[0];
        ByteBuffer stamp = ByteBuffer.wrap(value);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + warmupNanos + durationNanos;
        long next = start;
        long count = 0;
        Histogram h = new Histogram(3);
        while (true) {
            next += interval;
            long now;
            while ((now = System.nanoTime()) < next) {
                LockSupport.parkNanos(next - now);
            }
            if (now >= end) {
                break;
            }
            long t0 = System.nanoTime();
            stamp.putLong(0, t0);
            map.put(keyStrings[(int) (count % keys)], value);
            h.recordValue(System.nanoTime() - t0);
            count++;
        }
        return new BenchChild.Result(ProcessHandle.current().pid(), count, 0, System.nanoTime() - start, h);
    }

    // ---------------------------------------------------------------- open

    private int runOpen() {
        String probe = key(keys / 2);
        try (DefaultStateStore store = main.openStore()) {
            StoreMap<String, byte[]> map = map(store);
            fill(map, keyStrings());
        }
        long[] millis = new long[repeat];
        StoreConfig config = main.storeConfig(); // reading the config file is not part of open
        for (int r = 0; r < repeat; r++) {
            long began = System.nanoTime();
            try (StateStore store = StateStore.open(config)) {
                byte[] value = map(store).get(probe);
                long done = System.nanoTime();
                if (value == null) {
                    throw new StateStoreException("bench: key " + probe + " is missing from store '" + storeName + "'");
                }
                millis[r] = done - began;
            }
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = sorted[repeat / 2] / 1e6;
        PrintWriter out = out();
        if (json) {
            ObjectNode node = Rendering.json().createObjectNode();
            node.put("op", "open").put("store", storeName).put("keys", keys).put("medianMillis", median);
            ArrayNode each = node.putArray("openToFirstGetMillis");
            for (long m : millis) {
                each.add(m / 1e6);
            }
            out.println(node);
        } else {
            out.printf(Locale.ROOT, "====== open: store '%s', %d keys ======%n", storeName, keys);
            out.printf(Locale.ROOT, "  StateStore.open called to first get, warm JVM, %d times%n", repeat);
            StringBuilder each = new StringBuilder();
            for (long m : millis) {
                each.append(String.format(Locale.ROOT, " %.2f", m / 1e6));
            }
            out.printf(Locale.ROOT, "  each (ms):%s%n  median: %.2f ms%n", each, median);
        }
        out.flush();
        return Main.OK;
    }

    // ---------------------------------------------------------------- output

    private String describe(DefaultStateStore store, StoreMap<String, byte[]> map) {
        StoreMetadata meta = store.metadata(storeName);
        String journaled = map.hasJournal() ? "journal on, sync " + meta.sync().toLowerCase(Locale.ROOT) : "journal off";
        return String.format(Locale.ROOT, "store '%s' (%s), %d keys, %d-byte values", storeName, journaled, keys, valueSize);
    }

    /** @param writerPuts subscribe-latency: the writer's own put latencies (its warm-up included), else null */
    private void report(List<BenchChild.Result> results, String description, Histogram writerPuts) {
        Histogram all = new Histogram(3);
        long ops = 0;
        long misses = 0;
        double opsPerSecond = 0;
        for (BenchChild.Result r : results) {
            all.add(r.histogram());
            ops += r.ops();
            misses += r.misses();
            opsPerSecond += r.opsPerSecond();
        }
        PrintWriter out = out();
        if (json) {
            ObjectNode node = Rendering.json().createObjectNode();
            node.put("op", op).put("store", storeName).put("description", description).put("keys", keys)
                    .put("valueSize", valueSize).put("threads", threads).put("processes", results.size())
                    .put("warmupSeconds", warmupNanos / 1e9).put("durationSeconds", durationNanos / 1e9)
                    .put("ops", ops).put("misses", misses).put("opsPerSecond", opsPerSecond);
            if (op.equals("mixed")) {
                node.put("writePercent", writePercent);
            }
            ObjectNode latency = node.putObject("latencyMicros");
            latency.put("p50", micros(all.getValueAtPercentile(50))).put("p90", micros(all.getValueAtPercentile(90)))
                    .put("p99", micros(all.getValueAtPercentile(99))).put("p999", micros(all.getValueAtPercentile(99.9)))
                    .put("max", micros(all.getMaxValue())).put("mean", all.getTotalCount() == 0 ? 0 : all.getMean() / 1e3);
            if (writerPuts != null) {
                node.putObject("writerPutMicros").put("p50", micros(writerPuts.getValueAtPercentile(50)))
                        .put("p99", micros(writerPuts.getValueAtPercentile(99)))
                        .put("p999", micros(writerPuts.getValueAtPercentile(99.9))).put("max", micros(writerPuts.getMaxValue()));
            }
            ArrayNode each = node.putArray("perProcess");
            for (BenchChild.Result r : results) {
                each.addObject().put("pid", r.pid()).put("ops", r.ops()).put("opsPerSecond", r.opsPerSecond());
            }
            out.println(node);
        } else {
            String what = op.equals("mixed") ? "mixed " + ratio : op;
            out.printf(Locale.ROOT, "====== %s: %s ======%n", what, description);
            out.printf(Locale.ROOT, "  %d process(es) x %d thread(s), %.1f s warm-up, %.1f s measured%n",
                    results.size(), op.equals("subscribe-latency") ? 1 : threads, warmupNanos / 1e9, durationNanos / 1e9);
            out.printf(Locale.ROOT, "  %d %s: %.0f per second%s%n", ops, op.equals("subscribe-latency") ? "events" : "operations",
                    opsPerSecond, misses > 0 ? " (" + misses + " gets found nothing)" : "");
            out.printf(Locale.ROOT, "  latency (us): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    micros(all.getValueAtPercentile(50)), micros(all.getValueAtPercentile(90)),
                    micros(all.getValueAtPercentile(99)), micros(all.getValueAtPercentile(99.9)), micros(all.getMaxValue()));
            if (writerPuts != null) {
                out.printf(Locale.ROOT, "  the writer's puts (us): p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                        micros(writerPuts.getValueAtPercentile(50)), micros(writerPuts.getValueAtPercentile(99)),
                        micros(writerPuts.getValueAtPercentile(99.9)), micros(writerPuts.getMaxValue()));
            }
            if (results.size() > 1) {
                for (BenchChild.Result r : results) {
                    out.printf(Locale.ROOT, "  pid %d: %.0f ops/s%n", r.pid(), r.opsPerSecond());
                }
            }
        }
        out.flush();
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }
}
