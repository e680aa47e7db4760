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

    /**
     * Each writer JVM appends to a queue of its own; a subscriber reading while they write, and a
     * replay after, see one order: every sequence once, without a gap (nobody died), each writer's
     * changes in the order it made them, and the last event of each key is what the map holds.
     */
    @Test
    void twoWriterJvmsOnOverlappingKeysLeaveAJournalThatReplaysExactlyToTheMap() throws InterruptedException, IOException {
        create("hammer");
        List<ChangeEvent<String, String>> live = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (StateStore watcher = StateStore.open(dir);
             Subscription sub = watcher.map("hammer", String.class, String.class).subscribe(Position.START, live::add)) {
            try (ChildJvm a = ChildJvm.cli(dir, "workload", "write", "hammer", "--count", "4000", "--keys", "64", "--prefix", "k");
                 ChildJvm b = ChildJvm.cli(dir, "workload", "write", "hammer", "--count", "4000", "--keys", "64", "--prefix", "k")) {
                assertEquals(0, a.waitFor(LINE), a.stderr());
                assertEquals(0, b.waitFor(LINE), b.stderr());
            }
            long deadline = System.nanoTime() + LINE.toNanos();
            while (live.size() < 8000 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertEquals(8000, live.size(), "the live subscriber heard every change");
            assertOneOrderWithoutGaps(live);
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            VerifyReport report = store.admin().verify("hammer");
            assertTrue(report.clean(), report.summary());
            assertEquals(8000, report.journalEvents());
            StoreMap<String, String> map = store.map("hammer", String.class, String.class);
            Map<String, String> lastEventPerKey = new HashMap<>();
            Map<Long, Integer> writers = new HashMap<>();
            List<ChangeEvent<String, String>> replayed = JournalTest.collect(map, Position.START, 8000);
            assertOneOrderWithoutGaps(replayed);
            for (ChangeEvent<String, String> e : replayed) {
                lastEventPerKey.put(e.key(), e.value());
                writers.merge(e.writerPid(), 1, Integer::sum);
            }
            assertEquals(2, writers.size(), "both writer JVMs appear in the journal");
            assertEquals(map, lastEventPerKey);
            Path journal = dir.resolve("hammer").resolve("journal");
            try (var queues = Files.list(journal)) {
                assertTrue(queues.filter(Files::isDirectory).count() >= 2, "a queue per writer process");
            }
        }
    }

    /** Sequences one after another from the first; each writer's values ("vN@PID") in the order it wrote them. */
    private static void assertOneOrderWithoutGaps(List<ChangeEvent<String, String>> events) {
        Map<Long, Long> lastN = new HashMap<>();
        long first = events.get(0).sequence();
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent<String, String> e = events.get(i);
            assertEquals(first + i, e.sequence(), "event " + i + " of " + events.size());
            long n = Long.parseLong(e.value().substring(1, e.value().indexOf('@')));
            Long before = lastN.put(e.writerPid(), n);
            assertTrue(before == null || before < n, "writer " + e.writerPid() + " wrote v" + before + " before v" + n);
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
        int n = 20_000; // enough that the subscriber is still reading when it is killed
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
