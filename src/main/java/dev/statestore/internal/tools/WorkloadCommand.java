package dev.statestore.internal.tools;

import dev.statestore.MapOptions;
import dev.statestore.Position;
import dev.statestore.StoreMap;
import dev.statestore.SubscribeOptions;
import dev.statestore.Subscription;
import dev.statestore.internal.cli.Commands;
import dev.statestore.internal.cli.Main;
import dev.statestore.internal.cli.Rendering;
import dev.statestore.internal.cli.UsageException;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.ProcessIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted client for crash, sharing and load tests run from the outside: it writes or reads a
 * text store and reports each acknowledged operation on stdout, line by line ("ack KEY VALUE
 * MICROS", MICROS being how long the put took), so a supervisor that kills it at any instant knows
 * exactly what was acknowledged and whether any operation stalled.
 */
@Command(name = "workload", hidden = true,
        description = "Scripted client for crash and sharing tests: write, read or open a text store.")
public final class WorkloadCommand extends Commands.Base {
    @Parameters(index = "0", paramLabel = "MODE",
            description = "write | read | open | subscribe | hold | readloop | transfer | atomicput | load | ttlput | check")
    String mode;

    @Parameters(index = "1", paramLabel = "STORE")
    String storeName;

    @Option(names = "--count", description = "write: how many keys (default: ${DEFAULT-VALUE})", defaultValue = "1000")
    long count;

    @Option(names = "--prefix", description = "write: key prefix (default: ${DEFAULT-VALUE})", defaultValue = "key-")
    String prefix;

    @Option(names = "--start", description = "write: first key number (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long start;

    @Option(names = "--keys", description = "write: cycle over this many distinct keys (default: all distinct)")
    Long keys;

    @Option(names = "--shared", description = "write: after each key, also put shared-(N mod this) (default: none)")
    Integer shared;

    @Option(names = "--from", description = "subscribe: start, end or named:NAME (default: ${DEFAULT-VALUE})",
            defaultValue = "start")
    String from;

    @Option(names = "--wait", description = "subscribe: busy, yield or park (default: ${DEFAULT-VALUE})",
            defaultValue = "park")
    String waitStrategy;

    @Option(names = "--events", paramLabel = "FILE",
            description = "subscribe: append event lines to FILE (written through at once: they survive kill -9)"
                    + " instead of stdout")
    Path events;

    @Option(names = "--await", paramLabel = "FILE", description = "wait until FILE exists before opening the store")
    Path await;

    @Option(names = "--entries", description = "entries a new store is sized for (default: config)")
    Long entries;

    @Option(names = "--max-entries", description = "a new store is bounded to this many entries")
    Long maxEntries;

    @Option(names = "--max-bytes", description = "a new store is bounded to this many bytes of entries")
    Long maxBytes;

    @Option(names = "--near-cache", description = "read through a near cache of this many values (MapOptions.nearCache)")
    Long nearCache;

    @Option(names = "--per-entry-ttl", description = "a new store takes per-entry TTLs")
    boolean perEntryTtl;

    @Option(names = "--ttl-millis", description = "ttlput: the entry's time to live (default: ${DEFAULT-VALUE})",
            defaultValue = "1000")
    long ttlMillis;

    @Option(names = "--file", description = "load: the loader appends a line with this process's PID to FILE")
    Path file;

    @Option(names = "--load-millis", description = "load: how long the loader takes (default: ${DEFAULT-VALUE})",
            defaultValue = "500")
    long loadMillis;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = out();
        if (await != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(await)) {
                if (System.nanoTime() > deadline) {
                    throw new UsageException("--await file " + await + " did not appear within 60 s");
                }
                Thread.onSpinWait();
            }
        }
        try (DefaultStateStore store = main.openStore()) {
            MapOptions.Builder builder = MapOptions.builder();
            if (entries != null) {
                builder.entries(entries);
            }
            if (maxEntries != null) {
                builder.maxEntries(maxEntries);
            }
            if (maxBytes != null) {
                builder.maxBytes(maxBytes);
            }
            if (perEntryTtl) {
                builder.perEntryTtl(true);
            }
            if (nearCache != null) {
                builder.nearCache(nearCache);
            }
            MapOptions options = builder.build();
            StoreMap<String, String> map = store.map(storeName, String.class, String.class, options);
            switch (mode) {
                case "open":
                    out.println("open " + ProcessIdentity.pid() + " " + map.longSize());
                    out.flush();
                    return Main.OK;
                case "write":
                    for (long i = start; i < start + count; i++) {
                        String key = prefix + (keys == null ? i : i % keys);
                        String value = "v" + i + "@" + ProcessIdentity.pid();
                        long began = System.nanoTime();
                        map.put(key, value);
                        if (shared != null) {
                            map.put("shared-" + (i % shared), value);
                        }
                        long micros = (System.nanoTime() - began) / 1000;
                        out.println("ack " + key + " " + value + " " + micros);
                        out.flush();
                    }
                    out.println("done");
                    out.flush();
                    return Main.OK;
                case "read":
                    out.println("ready");
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String key; (key = in.readLine()) != null; ) {
                        String value = map.get(key);
                        out.println(value == null ? "absent " + key : "value " + key + " " + value);
                        out.flush();
                    }
                    return Main.OK;
                case "subscribe":
                    return subscribe(map, out);
                case "hold": // hold the stripe of key --prefix inside a compute until killed
                    map.compute(prefix, (k, v) -> {
                        out.println("holding " + k);
                        out.flush();
                        while (true) {
                            java.util.concurrent.locks.LockSupport.park();
                        }
                    });
                    return Main.OK;
                case "readloop": // gets over --keys keys until killed; prints a line every 1000
                    for (long i = 0; ; i++) {
                        map.get(prefix + (i % (keys == null ? 100 : keys)));
                        if (i % 1000 == 0) {
                            out.println("reads " + i);
                            out.flush();
                        }
                    }
                    // never falls through: the loop ends only when the process is killed
                case "transfer":
                    return transfer(map, out);
                case "atomicput": // one atomically() putting --prefix(--start .. --start+--count-1) = "v"
                    java.util.Set<String> batch = new java.util.LinkedHashSet<>();
                    for (long i = start; i < start + count; i++) {
                        batch.add(prefix + i);
                    }
                    map.atomically(batch, m -> {
                        batch.forEach(k -> m.put(k, "v"));
                        return null;
                    });
                    out.println("put " + batch.size());
                    out.flush();
                    return Main.OK;
                case "load": // computeIfAbsent(--prefix) with a loader that appends "loaded PID" to --file
                    String loaded = map.computeIfAbsent(prefix, k -> {
                        appendLine(file, "loaded " + ProcessIdentity.pid());
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(loadMillis));
                        return "value@" + ProcessIdentity.pid();
                    });
                    out.println("result " + loaded);
                    out.flush();
                    return Main.OK;
                case "ttlput": // put(--prefix, value, --ttl-millis); prints "put DEADLINE_MILLIS", a bound the
                    // entry's deadline is at or before (taken after the put: its first call opens the journal)
                    map.put(prefix, "v@" + ProcessIdentity.pid(), java.time.Duration.ofMillis(ttlMillis));
                    out.println("put " + (System.currentTimeMillis() + ttlMillis));
                    out.flush();
                    return Main.OK;
                case "check": // gets --prefix(--start .. --start+--count-1); prints "present N absent M"
                    long present = 0;
                    for (long i = start; i < start + count; i++) {
                        if (map.get(prefix + i) != null) {
                            present++;
                        }
                    }
                    out.println("present " + present + " absent " + (count - present));
                    out.flush();
                    return Main.OK;
                default:
                    throw new UsageException("workload MODE must be write, read, open or subscribe, was '" + mode + "'");
            }
        }
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Prints "ready" once positioned, then "event SEQ TYPE KEY VALUE" per event, until --count events. */
    private int subscribe(StoreMap<String, String> map, PrintWriter out) throws InterruptedException, IOException {
        Position position;
        if (from.equals("start")) {
            position = Position.START;
        } else if (from.equals("end")) {
            position = Position.END;
        } else if (from.startsWith("named:")) {
            position = Position.named(from.substring("named:".length()));
        } else {
            throw new UsageException("--from must be start, end or named:NAME, was '" + from + "'");
        }
        SubscribeOptions.WaitStrategy strategy = Rendering.waitStrategy(waitStrategy);
        CountDownLatch remaining = new CountDownLatch((int) Math.min(count, Integer.MAX_VALUE));
        CountDownLatch readyPrinted = new CountDownLatch(1); // "ready" comes before the first event line
        java.io.OutputStream file = events == null ? null : Files.newOutputStream(events,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        try (Subscription s = map.subscribe(position, e -> {
            readyPrinted.await();
            String line = String.format(Locale.ROOT, "event %d %s %s %s", e.sequence(), e.type(), e.key(), e.value());
            if (file != null) {
                file.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)); // one write(2) per event
            } else {
                out.println(line);
                out.flush();
            }
            remaining.countDown();
        }, SubscribeOptions.builder().waitStrategy(strategy).build())) {
            out.println("ready");
            out.flush();
            readyPrinted.countDown();
            remaining.await();
        } finally {
            if (file != null) {
                file.close();
            }
        }
        return Main.OK;
    }

    /**
     * Moves one unit between two random accounts (keys --prefix0 .. --prefix(keys-1), numbers as
     * text) --count times, each move one atomically() call; prints "moved FROM TO" per move.
     */
    private int transfer(StoreMap<String, String> map, PrintWriter out) {
        long accounts = keys == null ? 10 : keys;
        java.util.Random random = new java.util.Random();
        for (long i = 0; i < count; i++) {
            String from = prefix + random.nextInt((int) accounts);
            String to = prefix + random.nextInt((int) accounts);
            if (from.equals(to)) {
                continue;
            }
            map.atomically(java.util.Set.of(from, to), m -> {
                m.put(from, Long.toString(Long.parseLong(m.get(from)) - 1));
                m.put(to, Long.toString(Long.parseLong(m.get(to)) + 1));
                return null;
            });
            out.println("moved " + from + " " + to);
            out.flush();
        }
        out.println("done");
        out.flush();
        return Main.OK;
    }
}
