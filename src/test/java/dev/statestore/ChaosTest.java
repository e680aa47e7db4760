package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.journal.RawEvent;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 at random instants: three writer JVMs, one killed and replaced at a time. Each writer puts
 * keys of its own ({@code w<generation>-<n>}) and after each one a key all writers share
 * ({@code shared-<n mod 64>}). Afterwards every acknowledged write is in the journal, the map is
 * exactly the journal's replay (so each key holds its last journaled write, and a dead writer's
 * last change is either in both or in neither), no put of any writer took 5 s or more, and a
 * subscriber reading all along heard every journaled change, none of them 5 s or more after it
 * was made (a sequence a killed writer claimed and never committed holds no reader up).
 * {@code -Dchaos.kills=N} sets the number of kills (default 20); the long run is {@code ops/chaos}.
 */
class ChaosTest {
    static final Duration LINE = Duration.ofSeconds(60);
    static final long STALL_LIMIT_MICROS = 5_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);
    private static final String STORE = "chaos";
    private static final long GENERATION_STRIDE = 1_000_000_000L;
    /**
     * Keys of one writer JVM's own: no other writer writes them, so a change lost in a crash is never
     * hidden by a later write of the same key. Bounded, so the store never grows past its sizing.
     */
    private static final int KEYS_PER_WRITER = 5_000;

    @TempDir
    Path dir;

    @Test
    void randomKillsLoseNoAcknowledgedWriteAndStallNoSurvivor() {
        int kills = Integer.getInteger("chaos.kills", 20);
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        long began = System.nanoTime();
        ChaosResult result = run(dir, kills, new Random(seed));
        LOG.info("chaos: kills={} acknowledged={} lost={} maxPutMicros={} verify=\"{}\" seconds={} seed={}", result.kills(),
                result.acknowledged(), result.lost(), result.maxOpMicros(), result.verify().summary(),
                (System.nanoTime() - began) / 1_000_000_000L, seed);
        assertEquals(0, result.lost(), "acknowledged writes missing from the journal: " + result.lostExamples());
        assertTrue(result.verify().clean(), result.verify().summary());
        assertTrue(result.maxOpMicros() < STALL_LIMIT_MICROS, "a writer's put took " + result.maxOpMicros() + " us");
        assertTrue(result.acknowledged() > 1000, "too few writes to mean anything: " + result.acknowledged());
        assertEquals(result.journaled(), result.heardLive(), "changes the live subscriber heard, of those journaled");
        assertTrue(result.maxHeardMicros() < STALL_LIMIT_MICROS, "the live subscriber heard a change "
                + result.maxHeardMicros() + " us after it was made");
    }

    /** What one chaos run observed. */
    record ChaosResult(int kills, long acknowledged, long lost, List<String> lostExamples, long maxOpMicros,
                       VerifyReport verify, long journaled, long heardLive, long maxHeardMicros) {
    }

    /** A subscriber in the test's JVM, reading while writers are killed: what it heard, and how late. */
    static final class LiveSubscriber implements ChangeListener<String, String> {
        final java.util.concurrent.atomic.AtomicLong heard = new java.util.concurrent.atomic.AtomicLong();
        volatile long maxLateMicros;

        @Override
        public void onChange(ChangeEvent<String, String> event) {
            java.time.Instant now = java.time.Instant.now();
            long lateNanos = (now.getEpochSecond() * 1_000_000_000L + now.getNano()) - event.timeNanos();
            maxLateMicros = Math.max(maxLateMicros, lateNanos / 1000);
            heard.incrementAndGet();
        }
    }

    /**
     * The acknowledgements of one writer JVM, kept as counts: its writes are numbered from
     * {@code start} and acknowledged in order, so "acknowledged" is the range start..last.
     */
    static final class Writer {
        final ChildJvm child;
        final long start;
        volatile long acks;
        volatile long lastAcked = -1;
        volatile long maxMicros;

        Writer(ChildJvm child, long start) {
            this.child = child;
            this.start = start;
            child.consumeLines(this::line);
        }

        private void line(String line) {
            if (line.startsWith("ack ")) { // ack KEY vN@PID MICROS
                String[] p = line.split(" ");
                lastAcked = Long.parseLong(p[2].substring(1, p[2].indexOf('@')));
                maxMicros = Math.max(maxMicros, Long.parseLong(p[3]));
                acks++;
            }
        }

        void awaitAcks(long n) {
            long deadline = System.nanoTime() + LINE.toNanos();
            while (acks < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("writer " + child.pid() + " stalled at " + acks + " acks: " + child.stderr()
                            + "\n" + threadDump(child.pid()));
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        }
    }

    /** The threads of a stalled writer, for the failure message. */
    private static String threadDump(long pid) {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(pid)).redirectErrorStream(true).start();
            return new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    static ChaosResult run(Path dir, int kills, Random random) {
        try (StateStore s = StateStore.open(dir)) {
            s.map(STORE, String.class, String.class, MapOptions.builder().entries(1_000_000).build());
        }
        Map<Long, Writer> byPid = new HashMap<>();
        List<Writer> writers = new ArrayList<>();
        int generation = 0;
        LiveSubscriber live = new LiveSubscriber();
        long journaled = 0;
        try (DefaultStateStore watcher = (DefaultStateStore) StateStore.open(dir);
             Subscription subscription = watcher.map(STORE, String.class, String.class).subscribe(Position.START, live)) {
            chaos(dir, kills, random, byPid, writers, generation);
            try (var reader = watcher.journal(STORE).reader()) { // every writer is dead: to the journal's end
                while (reader.next() != null) {
                    journaled++;
                }
            }
            long deadline = System.nanoTime() + LINE.toNanos();
            while (live.heard.get() < journaled && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        ChaosResult result = check(dir, byPid, kills); // with no process attached: the open repairs what the kills left
        return new ChaosResult(result.kills(), result.acknowledged(), result.lost(), result.lostExamples(),
                result.maxOpMicros(), result.verify(), journaled, live.heard.get(), live.maxLateMicros);
    }

    /** Kills and replaces writers, {@code kills} times, then kills the last ones. */
    private static void chaos(Path dir, int kills, Random random, Map<Long, Writer> byPid, List<Writer> writers,
                              int generation) {
        try {
            for (; generation < 3; generation++) {
                writers.add(startWriter(dir, generation, byPid));
            }
            for (int kill = 0; kill < kills; kill++) {
                int victim = random.nextInt(writers.size());
                Writer w = writers.get(victim);
                w.awaitAcks(w.acks + 50 + random.nextInt(400));
                w.child.kill();
                w.child.awaitEnd(LINE);
                writers.set(victim, startWriter(dir, generation++, byPid));
            }
            for (Writer w : writers) {
                w.child.kill();
                w.child.awaitEnd(LINE);
            }
        } finally {
            writers.forEach(w -> w.child.close());
        }
    }

    /** What the kills left: every acknowledged write journaled, and the map as the journal says. */
    private static ChaosResult check(Path dir, Map<Long, Writer> byPid, int kills) {
        Map<Long, BitSet> journaled = new HashMap<>();
        try (DefaultStateStore s = (DefaultStateStore) StateStore.open(dir)) {
            try (var reader = s.journal(STORE).reader()) {
                for (RawEvent e = reader.next(); e != null; e = reader.next()) {
                    if (e.value() == null) {
                        continue;
                    }
                    String value = new String(e.value(), StandardCharsets.UTF_8); // vN@PID
                    long pid = Long.parseLong(value.substring(value.indexOf('@') + 1));
                    Writer w = byPid.get(pid);
                    if (w != null) {
                        long n = Long.parseLong(value.substring(1, value.indexOf('@')));
                        journaled.computeIfAbsent(pid, p -> new BitSet()).set((int) (n - w.start));
                    }
                }
            }
            long acknowledged = 0;
            long lost = 0;
            long maxMicros = 0;
            List<String> examples = new ArrayList<>();
            for (Map.Entry<Long, Writer> e : byPid.entrySet()) {
                Writer w = e.getValue();
                acknowledged += w.acks;
                maxMicros = Math.max(maxMicros, w.maxMicros);
                BitSet seen = journaled.getOrDefault(e.getKey(), new BitSet());
                for (long n = w.start; n <= w.lastAcked; n++) {
                    if (!seen.get((int) (n - w.start))) {
                        lost++;
                        if (examples.size() < 5) {
                            examples.add("v" + n + "@" + e.getKey());
                        }
                    }
                }
            }
            return new ChaosResult(kills, acknowledged, lost, examples, maxMicros, s.admin().verify(STORE), 0, 0, 0);
        }
    }

    private static Writer startWriter(Path dir, int generation, Map<Long, Writer> byPid) {
        long start = generation * GENERATION_STRIDE;
        ChildJvm child = ChildJvm.cli(dir, "workload", "write", STORE, "--count", Long.toString(GENERATION_STRIDE),
                "--keys", Integer.toString(KEYS_PER_WRITER), "--shared", "64", "--prefix", "w" + generation + "-",
                "--start", Long.toString(start));
        Writer w = new Writer(child, start);
        byPid.put(child.pid(), w);
        return w;
    }
}
