package dev.statestore;

import dev.statestore.map.DefaultStateStore;
import dev.statestore.map.VerifyReport;
import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 at random instants: three writer JVMs on overlapping keys, one killed and replaced at a
 * time. Afterwards every acknowledged write is in the journal, the map is exactly the journal's
 * replay (so each key holds its last journaled write), and no operation of a writer stalled 5 s.
 * The long run: {@code ops/chaos} (see RELIABILITY.md).
 */
class ChaosTest {
    static final Duration LINE = Duration.ofSeconds(60);
    static final long STALL_LIMIT_MICROS = 5_000_000;

    @TempDir
    Path dir;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChaosTest.class);

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
    }

    /** What one chaos run observed. */
    record ChaosResult(int kills, long acknowledged, long lost, List<String> lostExamples, long maxOpMicros,
                       VerifyReport verify) {
    }

    static ChaosResult run(Path dir, int kills, Random random) {
        String store = "chaos";
        try (StateStore s = StateStore.open(dir)) {
            s.map(store, String.class, String.class, MapOptions.builder().entries(10_000).build());
        }
        Set<String> acked = new HashSet<>();
        long[] maxMicros = {0};
        List<ChildJvm> writers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                writers.add(startWriter(dir, store, i));
            }
            for (int kill = 0; kill < kills; kill++) {
                int victim = random.nextInt(writers.size());
                ChildJvm w = writers.get(victim);
                int quota = 50 + random.nextInt(400); // acknowledged writes to let through before the kill
                for (int n = 0; n < quota; n++) {
                    String line = w.readLine(LINE);
                    if (line == null) {
                        throw new AssertionError("writer " + w.pid() + " ended early: " + w.stderr());
                    }
                    record(line, acked, maxMicros);
                }
                w.kill();
                w.remainingLines(LINE).forEach(line -> record(line, acked, maxMicros));
                w.close();
                writers.set(victim, startWriter(dir, store, kill + 3));
                for (ChildJvm other : writers) { // keep the others' pipes drained
                    if (other != writers.get(victim)) {
                        drain(other, acked, maxMicros);
                    }
                }
            }
            for (ChildJvm w : writers) {
                w.kill();
                w.remainingLines(LINE).forEach(line -> record(line, acked, maxMicros));
            }
        } finally {
            writers.forEach(ChildJvm::close);
        }
        try (DefaultStateStore s = (DefaultStateStore) StateStore.open(dir)) {
            Set<String> journaled = new HashSet<>();
            StoreMap<String, String> map = s.map(store, String.class, String.class);
            try (var reader = s.journal(store).reader()) {
                for (var e = reader.next(); e != null; e = reader.next()) {
                    var event = e.decode(map.keyCodec(), map.valueCodec());
                    if (event.value() != null) {
                        journaled.add(event.key() + " " + event.value());
                    }
                }
            }
            List<String> lost = new ArrayList<>();
            for (String write : acked) {
                if (!journaled.contains(write)) {
                    lost.add(write);
                }
            }
            return new ChaosResult(kills, acked.size(), lost.size(), lost.subList(0, Math.min(5, lost.size())),
                    maxMicros[0], s.verify(store));
        }
    }

    private static ChildJvm startWriter(Path dir, String store, int generation) {
        ChildJvm w = ChildJvm.cli(dir, "workload", "write", store, "--count", "1000000000", "--keys", "500",
                "--prefix", "k", "--start", Long.toString(generation * 1_000_000_000L));
        return w;
    }

    private static void drain(ChildJvm w, Set<String> acked, long[] maxMicros) {
        for (String line; (line = w.pollLine()) != null; ) {
            record(line, acked, maxMicros);
        }
    }

    private static void record(String line, Set<String> acked, long[] maxMicros) {
        if (line.startsWith("ack ")) {
            String[] p = line.split(" "); // ack KEY VALUE MICROS
            acked.add(p[1] + " " + p[2]);
            maxMicros[0] = Math.max(maxMicros[0], Long.parseLong(p[3]));
        }
    }
}
