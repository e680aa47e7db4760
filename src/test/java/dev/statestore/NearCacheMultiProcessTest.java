package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 13 across processes: a read through a near cache that starts after a write returned,
 * in another JVM, sees that write (or a later one). A writer JVM puts {@code k0..k7} in turn, values
 * numbered in order ({@code v<i>@pid}), and prints an ack line once each put has returned. Two
 * readers go through near caches: a reader JVM in lock step (after each ack the test asks it for
 * every key) and a thread of this JVM reading freely meanwhile. Each read is checked against the
 * history: its number must be at least that of the last ack of its key seen before the read began.
 * Without the version check the readers return copies filled before later writes and this fails.
 */
class NearCacheMultiProcessTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final int KEYS = 8;
    private static final int WRITES = 2000;

    @TempDir
    Path dir;

    /** The write number in a value {@code v<i>@pid}; -1 for none. */
    private static long number(String value) {
        return value == null ? -1 : Long.parseLong(value.substring(1, value.indexOf('@')));
    }

    @Test
    void noReadThroughANearCacheReturnsAValueOlderThanAWriteThatReturnedBeforeItBegan() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("near", String.class, String.class); // created before the children attach
        }
        AtomicLongArray acked = new AtomicLongArray(KEYS); // per key, the number of the last put known to have returned
        for (int k = 0; k < KEYS; k++) {
            acked.set(k, -1);
        }
        List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (StateStore local = StateStore.open(dir);
             ChildJvm reader = ChildJvm.cli(dir, "workload", "read", "near", "--near-cache", "100")) {
            local.bindTo(meters);
            StoreMap<String, String> near = local.map("near", String.class, String.class,
                    MapOptions.builder().nearCache(100).build());
            long[] freeReads = {0};
            Thread free = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(16);
                while (writing.get()) {
                    int k = random.nextInt(KEYS);
                    long before = acked.get(k);
                    long got = number(near.get("k" + k));
                    if (got < before) {
                        violations.add("this JVM read k" + k + " = " + got + " after the put of " + before + " returned");
                    }
                    freeReads[0]++;
                }
            }, "free-reader");
            assertEquals("ready", reader.readLine(LINE), reader.stderr());
            free.start();
            int lockStepReads = 0;
            try (ChildJvm writer = ChildJvm.cli(dir, "workload", "write", "near", "--count", Integer.toString(WRITES),
                    "--keys", Integer.toString(KEYS), "--prefix", "k")) {
                for (String line; !(line = writer.readLine(LINE)).equals("done"); ) {
                    String[] ack = line.split(" "); // ack KEY VALUE MICROS: the writer's put has returned
                    int k = Integer.parseInt(ack[1].substring(1));
                    acked.accumulateAndGet(k, number(ack[2]), Math::max);
                    long[] before = new long[KEYS];
                    for (int j = 0; j < KEYS; j++) {
                        before[j] = acked.get(j);
                        reader.writeLine("k" + j);
                    }
                    for (int j = 0; j < KEYS; j++) {
                        String answer = reader.readLine(LINE); // "value KEY VALUE" or "absent KEY"
                        String[] parts = answer.split(" ");
                        long got = parts[0].equals("value") ? number(parts[2]) : -1;
                        if (got < before[j]) {
                            violations.add("the reader JVM read k" + j + " = " + got + " after the put of " + before[j]
                                    + " returned");
                        }
                        lockStepReads++;
                    }
                }
                assertEquals(0, writer.waitFor(LINE), writer.stderr());
            } finally {
                writing.set(false);
                free.join();
            }
            reader.closeStdin();
            assertEquals(0, reader.waitFor(LINE), reader.stderr());
            assertEquals(WRITES * KEYS, lockStepReads);
            assertTrue(violations.isEmpty(), violations.size() + " stale reads, e.g. " + violations.subList(0,
                    Math.min(5, violations.size())));
            double hits = meters.get("statestore.nearcache.gets").tag("result", "hit").functionCounter().count();
            // the check above is only worth something if copies were used while writes went on
            assertTrue(hits > 1000, "only " + hits + " near hits in " + freeReads[0] + " free reads");
        }
    }

    /**
     * Per-key versions across processes: a copy survives the writes another process makes to other
     * keys (with versions per stripe, as before, every write of a key of its stripe ended it), and
     * the first write of its own key, in that process, ends it.
     */
    @Test
    void aCopyOutlivesAnotherProcesssWritesOfOtherKeysAndNotAWriteOfItsOwn() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (StateStore local = StateStore.open(dir)) {
            local.bindTo(meters);
            StoreMap<String, String> near = local.map("keys", String.class, String.class,
                    MapOptions.builder().entries(10_000).nearCache(1000).build());
            @SuppressWarnings("unchecked")
            var internals = (dev.statestore.internal.map.ChronicleStoreMap<String, String, String, ?>) near;
            long mask = internals.versions().slots() - 1;
            java.util.Set<Long> otherSlots = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                otherSlots.add(internals.segments().hashOf("o" + i) & mask);
            }
            String key = null; // a key whose version slot no other key of the workload shares
            for (int i = 0; key == null; i++) {
                if (!otherSlots.contains(internals.segments().hashOf("a" + i) & mask)) {
                    key = "a" + i;
                }
            }
            try (StateStore other = StateStore.open(dir)) {
                other.map("keys", String.class, String.class).put(key, "first");
            }
            assertEquals("first", near.get(key));
            assertEquals("first", near.get(key));
            double hits = nearHits(meters);
            try (ChildJvm writer = ChildJvm.cli(dir, "workload", "write", "keys", "--count", "2000", "--keys", "200",
                    "--prefix", "o")) {
                while (!writer.readLine(LINE).equals("done")) {
                    continue; // every ack: a put of another key has returned
                }
                assertEquals(0, writer.waitFor(LINE), writer.stderr());
            }
            assertEquals("first", near.get(key));
            assertEquals(hits + 1, nearHits(meters), "the copy did not survive 2,000 writes of other keys");
            try (ChildJvm writer = ChildJvm.cli(dir, "put", "keys", key, "second")) {
                assertEquals(0, writer.waitFor(LINE), writer.stderr());
            }
            assertEquals("second", near.get(key), "a write of the key in another process returned before this read");
            assertEquals(hits + 1, nearHits(meters));
        }
    }

    private static double nearHits(SimpleMeterRegistry meters) {
        return meters.get("statestore.nearcache.gets").tag("result", "hit").functionCounter().count();
    }
}
