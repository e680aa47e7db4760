package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.DefaultStateStore;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal across processes: order, replay, subscribers in other JVMs, durable positions. */
class JournalMultiProcessTest {
    private static final Duration LINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void twoWriterJvmsOnOverlappingKeysLeaveAJournalThatReplaysExactlyToTheMap() throws InterruptedException {
        create("hammer");
        try (ChildJvm a = ChildJvm.cli(dir, "workload", "write", "hammer", "--count", "4000", "--keys", "64", "--prefix", "k");
             ChildJvm b = ChildJvm.cli(dir, "workload", "write", "hammer", "--count", "4000", "--keys", "64", "--prefix", "k")) {
            assertEquals(0, a.waitFor(LINE), a.stderr());
            assertEquals(0, b.waitFor(LINE), b.stderr());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            VerifyReport report = store.admin().verify("hammer");
            assertTrue(report.clean(), report.summary());
            assertEquals(8000, report.journalEvents());
            StoreMap<String, String> map = store.map("hammer", String.class, String.class);
            Map<String, String> lastEventPerKey = new HashMap<>();
            Map<Long, Integer> writers = new HashMap<>();
            for (ChangeEvent<String, String> e : JournalTest.collect(map, Position.START, 8000)) {
                lastEventPerKey.put(e.key(), e.value());
                writers.merge(e.writerPid(), 1, Integer::sum);
            }
            assertEquals(2, writers.size(), "both writer JVMs appear in the journal");
            assertEquals(map, lastEventPerKey);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"busy", "park"})
    void subscriberJvmReceivesEveryEventOfAWriterJvmInOrder(String wait) {
        create("feed");
        int n = 2000;
        try (ChildJvm subscriber = ChildJvm.cli(dir, "workload", "subscribe", "feed", "--from", "end",
                "--wait", wait, "--count", Integer.toString(n))) {
            assertEquals("ready", subscriber.readLine(LINE), subscriber.stderr());
            List<String> acked = new ArrayList<>();
            try (ChildJvm writer = ChildJvm.cli(dir, "workload", "write", "feed", "--count", Integer.toString(n), "--prefix", "e")) {
                for (String line; !(line = writer.readLine(LINE)).equals("done"); ) {
                    String[] ack = line.split(" "); // ack KEY VALUE MICROS
                    acked.add(ack[1] + " " + ack[2]);
                }
                assertEquals(0, writer.waitFor(LINE), writer.stderr());
            }
            List<String> received = new ArrayList<>();
            long lastSeq = -1;
            for (int i = 0; i < n; i++) {
                String[] event = subscriber.readLine(LINE).split(" "); // event SEQ TYPE KEY VALUE
                long seq = Long.parseLong(event[1]);
                assertTrue(seq > lastSeq, "sequences increase");
                lastSeq = seq;
                assertEquals("PUT", event[2]);
                received.add(event[3] + " " + event[4]);
            }
            assertEquals(acked, received);
            assertEquals(0, subscriber.waitFor(LINE), subscriber.stderr());
        }
    }

    @Test
    void namedSubscriptionKilledWithKillMinus9ResumesWithNoEventSkipped() throws IOException {
        int n = 3000;
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("orders", String.class, String.class);
            for (int i = 0; i < n; i++) {
                m.put("o" + i, "v" + i);
            }
        }
        // events go to files written through per event: what a killed process wrote is all there
        Path firstFile = dir.resolve("first.events");
        try (ChildJvm sub = ChildJvm.cli(dir, "workload", "subscribe", "orders", "--from", "named:billing",
                "--count", "1000000", "--events", firstFile.toString())) {
            assertEquals("ready", sub.readLine(LINE), sub.stderr());
            long deadline = System.nanoTime() + LINE.toNanos();
            while (lineCount(firstFile) < 500) {
                assertTrue(System.nanoTime() < deadline, "the subscriber delivered too little: " + sub.stderr());
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            sub.kill();
        }
        List<Integer> firstRun = Files.readAllLines(firstFile).stream().map(JournalMultiProcessTest::index).toList();
        for (int i = 0; i < firstRun.size(); i++) {
            assertEquals(i, firstRun.get(i), "the first run delivered in order");
        }
        int lastSeen = firstRun.get(firstRun.size() - 1);
        assertTrue(lastSeen < n - 1, "the kill came before the end");
        Path secondFile = dir.resolve("second.events");
        try (ChildJvm sub = ChildJvm.cli(dir, "workload", "subscribe", "orders", "--from", "named:billing",
                "--count", Integer.toString(n - 1 - lastSeen), "--events", secondFile.toString())) {
            assertEquals("ready", sub.readLine(LINE), sub.stderr());
            assertEquals(0, sub.waitFor(LINE), sub.stderr());
        }
        List<Integer> secondRun = Files.readAllLines(secondFile).stream().map(JournalMultiProcessTest::index).toList();
        int first = secondRun.get(0);
        assertTrue(first <= lastSeen + 1, "events skipped: last delivered before the kill " + lastSeen + ", resumed at " + first);
        assertTrue(first >= lastSeen, "resumed at " + first + ", long before the last delivered " + lastSeen);
        for (int i = 0; i < secondRun.size(); i++) {
            assertEquals(first + i, secondRun.get(i), "the resumed run delivered in order");
        }
    }

    private static long lineCount(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private static int index(String eventLine) {
        String key = eventLine.split(" ")[3];
        return Integer.parseInt(key.substring(1));
    }

    @Test
    void verifyFailsOnAMapChangedBehindTheJournalsBack() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("audited", String.class, String.class);
            m.put("a", "1");
            m.put("b", "2");
        }
        try (ChronicleMap<String, String> raw = ChronicleMapBuilder.of(String.class, String.class)
                .averageKeySize(32).averageValueSize(256).entries(100_000)
                .createPersistedTo(dir.resolve("audited").resolve("map.dat").toFile())) {
            raw.put("a", "tampered");
            raw.put("sneaky", "x");
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            VerifyReport report = store.admin().verify("audited");
            assertFalse(report.clean());
            assertEquals(1, report.different());
            assertEquals(1, report.unexpected());
            assertTrue(report.summary().contains("'sneaky'"), report.summary());
        }
        try (ChildJvm verify = ChildJvm.cli(dir, "verify", "audited")) {
            assertEquals(3, verify.waitFor(LINE));
            assertTrue(verify.stderr().contains("DISAGREE"), verify.stderr());
        }
    }

    private void create(String name) {
        try (StateStore store = StateStore.open(dir)) {
            store.map(name, String.class, String.class);
        }
    }
}
