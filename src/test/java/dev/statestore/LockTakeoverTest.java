package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead lock owners: taken over within the bound, their half-done changes finished. */
class LockTakeoverTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final long HARD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    @TempDir
    Path dir;

    @Test
    void aProcessKilledWhileHoldingAStripeBlocksOthersOnlyBriefly() {
        create("held");
        try (ChildJvm holder = ChildJvm.cli(dir, "workload", "hold", "held", "--prefix", "hot")) {
            assertEquals("holding hot", holder.readLine(LINE), holder.stderr());
            holder.kill();
        }
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("held", String.class, String.class);
            long began = System.nanoTime();
            m.put("hot", "after");
            long took = System.nanoTime() - began;
            assertTrue(took < HARD_LIMIT_NANOS, "put waited " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            assertEquals("after", m.get("hot"));
        }
    }

    @Test
    void aLiveProcessWaitingOnADeadOwnersStripeTakesItOverWithinTheBound() {
        create("live");
        try (StateStore store = StateStore.open(dir);
             ChildJvm holder = ChildJvm.cli(dir, "workload", "hold", "live", "--prefix", "hot")) {
            StoreMap<String, String> m = store.map("live", String.class, String.class); // attached before the kill
            assertEquals("holding hot", holder.readLine(LINE), holder.stderr());
            holder.kill();
            long began = System.nanoTime();
            m.put("hot", "taken over");
            long took = System.nanoTime() - began;
            assertTrue(took < TimeUnit.SECONDS.toNanos(1), "takeover took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            assertEquals("taken over", m.get("hot"));
            assertTrue(store.admin().verify("live").clean());
        }
    }

    @Test
    void aChangeJournaledByAProcessThatDiedBeforeChangingTheMapIsFinished() {
        create("halt");
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("halt", String.class, String.class);
            m.put("k", "before");
            try (ChildJvm writer = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterJournal=true"),
                    dir, "put", "halt", "k", "journaled")) {
                assertEquals(137, writer.waitFor(LINE), "the fault point did not halt the writer: " + writer.stderr());
            }
            // the journal says k=journaled, the map still says before, and the dead writer holds k's stripe
            assertEquals("journaled", m.get("k"), "the reader took the stripe over and finished the change");
            var report = store.admin().verify("halt");
            assertTrue(report.clean(), report.summary());
        }
    }

    @Test
    void aStripeOwnedByADeadProcessWhosePidWasReusedIsTakenOver() throws Exception {
        create("reuse");
        Process impostor = new ProcessBuilder("sleep", "60").start(); // alive, with the recorded PID, started later
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("reuse", String.class, String.class);
            int slot = 1000; // far from the slots in use
            long generation = 7;
            Path storeDir = dir.resolve("reuse");
            try (FileChannel procs = FileChannel.open(storeDir.resolve("procs.tbl"), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                // process table slot (see ProcessTableLayout): owner word gen<<32|pid, then start millis
                long slotOffset = 64 + slot * 128L;
                ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(0, (generation << 32) | impostor.pid());
                b.putLong(8, impostor.info().startInstant().orElseThrow().toEpochMilli() - 86_400_000L); // a day earlier
                procs.write(b, slotOffset);
            }
            int stripes;
            try (FileChannel table = FileChannel.open(storeDir.resolve("stripes.tbl"), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                table.read(header, 0);
                stripes = header.getInt(12);
                // every stripe "held" by thread 1 of that slot (see StripeLayout): gen16 | slot+1 | thread
                long owner = ((((generation & 0xFFFF) << 16) | (slot + 1)) << 32) | 1;
                for (int i = 0; i < stripes; i++) {
                    ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, owner);
                    table.write(word, 64 + i * 64L);
                }
            }
            long began = System.nanoTime();
            m.put("k", "v");
            long took = System.nanoTime() - began;
            assertTrue(took < TimeUnit.SECONDS.toNanos(1), "takeover took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
            assertEquals("v", m.get("k"));
            assertTrue(impostor.isAlive(), "the process now holding the PID was left alone");
        } finally {
            impostor.destroyForcibly();
        }
    }

    @Test
    void readersKilledMidReadNeverStallWritersBeyondTheBound() {
        create("reads");
        int keys = 200;
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("reads", String.class, String.class);
            for (int i = 0; i < keys; i++) {
                m.put("r" + i, "v");
            }
            Random random = new Random();
            for (int round = 0; round < 3; round++) {
                try (ChildJvm reader = ChildJvm.cli(dir, "workload", "readloop", "reads", "--prefix", "r",
                        "--keys", Integer.toString(keys))) {
                    int lines = 2 + random.nextInt(20);
                    for (int i = 0; i < lines; i++) {
                        assertTrue(reader.readLine(LINE).startsWith("reads "), reader.stderr());
                    }
                    reader.kill();
                }
                long worst = 0;
                for (int i = 0; i < keys; i++) {
                    long began = System.nanoTime();
                    m.put("r" + i, "round" + round);
                    worst = Math.max(worst, System.nanoTime() - began);
                }
                assertTrue(worst < HARD_LIMIT_NANOS, "a put after a reader's death waited "
                        + TimeUnit.NANOSECONDS.toMillis(worst) + " ms");
            }
        }
    }

    private void create(String name) {
        try (StateStore store = StateStore.open(dir)) {
            store.map(name, String.class, String.class);
        }
    }
}
