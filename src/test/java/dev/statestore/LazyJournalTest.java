package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store's journal (its Chronicle Queue) is opened when something needs it, not when the store
 * is opened: reads never pay for it (~40 ms in a fresh JVM, part of process start to first get),
 * and the first change after reads is journaled as any other.
 */
class LazyJournalTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    /** Loaded by Chronicle Queue's build, and by nothing a read needs. */
    private static final String QUEUE_CLASS = "net.openhft.chronicle.queue.impl.single.SingleChronicleQueue";

    @TempDir
    Path dir;

    @Test
    void readsOfAJournaledStoreDoNotOpenItsJournal() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("orders", String.class, String.class);
            m.put("a", "1");
            m.put("b", "2");
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("orders", String.class, String.class);
            assertEquals("1", m.get("a"));
            assertEquals(null, m.get("missing"));
            assertTrue(m.containsKey("b"));
            assertEquals(2, m.size());
            assertEquals(Map.of("a", "1", "b", "2"), Map.copyOf(m));
            assertTrue(m.hasJournal());
            assertFalse(store.journal("orders").queueOpened(), "reads opened the journal");
        }
    }

    @Test
    void aNewStoreMakesItsQueueAtCreationAndAReattachOpensItOnlyForAChange() throws IOException {
        Path journalDir = dir.resolve("fresh").resolve(Journal.DIR_NAME);
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            store.map("fresh", String.class, String.class);
            assertTrue(store.journal("fresh").queueOpened(), "its creator writes: the queue is made with the store");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journalDir)));
            assertFalse(files(journalDir).isEmpty());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("fresh", String.class, String.class);
            assertEquals(null, m.get("a"));
            assertFalse(store.journal("fresh").queueOpened());
            m.put("a", "1");
            assertTrue(store.journal("fresh").queueOpened());
            m.remove("a");
            m.put("b", "2");
            assertTrue(store.admin().verify("fresh").clean(), store.admin().verify("fresh").summary());
            assertEquals(3, store.admin().verify("fresh").journalEvents());
        }
    }

    @Test
    void theFirstPutAfterReadsIsJournaledForASubscriberInAnotherJvm() {
        try (StateStore store = StateStore.open(dir)) {
            store.map("feed", String.class, String.class).put("before", "0");
        }
        try (ChildJvm subscriber = ChildJvm.cli(dir, "workload", "subscribe", "feed", "--from", "end",
                "--wait", "park", "--count", "2")) {
            assertEquals("ready", subscriber.readLine(LINE), subscriber.stderr());
            try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
                StoreMap<String, String> m = store.map("feed", String.class, String.class);
                assertEquals("0", m.get("before"));
                assertFalse(store.journal("feed").queueOpened());
                m.put("first", "1");
                assertTrue(store.journal("feed").queueOpened());
                m.put("second", "2");
            }
            assertTrue(subscriber.readLine(LINE).matches("event \\d+ PUT first 1"), subscriber.stderr());
            assertTrue(subscriber.readLine(LINE).matches("event \\d+ PUT second 2"), subscriber.stderr());
            assertEquals(0, subscriber.waitFor(LINE), subscriber.stderr());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            assertTrue(store.admin().verify("feed").clean(), store.admin().verify("feed").summary());
            assertEquals(3, store.admin().verify("feed").journalEvents());
        }
    }

    @Test
    void cliReadCommandsDoNotOpenTheJournal() throws IOException {
        try (StateStore store = StateStore.open(dir)) {
            store.map("cli", String.class, String.class).put("k", "v");
        }
        assertEquals(List.of("v"), readOnlyCli("get", "cli", "k"));
        assertEquals(List.of("{\"key\":\"k\",\"value\":\"v\"}"), readOnlyCli("dump", "cli"));
        assertTrue(readOnlyCli("ls").stream().anyMatch(l -> l.startsWith("cli ")));
    }

    /** Runs a CLI command in a fresh JVM, checks that it never built a Chronicle Queue, returns its output. */
    private List<String> readOnlyCli(String... args) throws IOException {
        Path log = dir.resolve("class-load-" + args[0] + ".log");
        List<String> output;
        try (ChildJvm cli = ChildJvm.cliWithJvmOptions(List.of("-Xlog:class+load=info:file=" + log), dir, args)) {
            output = cli.remainingLines(LINE);
            assertEquals(0, cli.waitFor(LINE), cli.stderr());
        }
        List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.statestore.internal.map.ChronicleStoreMap ")),
                "the class-load log should show the store being opened");
        assertFalse(loaded.stream().anyMatch(l -> l.contains(" " + QUEUE_CLASS + " ")),
                "'statestore " + String.join(" ", args) + "' built the journal's Chronicle Queue");
        return output;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
