package dev.statestore.internal.cache;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeType;
import dev.statestore.MapOptions;
import dev.statestore.Position;
import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Time to live: per entry and per store, across processes and restarts, swept by one process. */
class ExpiryTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final MapOptions PER_ENTRY = MapOptions.builder().perEntryTtl(true).build();

    @TempDir
    Path dir;

    @Test
    void putWithTtlOnAStoreWithoutExpiryNamesTheOption() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> plain = store.map("plain", String.class, String.class);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> plain.put("k", "v", Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("'plain'") && e.getMessage().contains("MapOptions.ttl"), e.getMessage());
        }
    }

    @Test
    void entryWithOneSecondTtlWrittenByJvmAIsGoneForJvmBAfterRestartAndLeavesOneExpireEvent() {
        long deadline;
        try (ChildJvm a = ChildJvm.cli(dir, "workload", "ttlput", "sessions", "--per-entry-ttl", "--prefix", "tmp",
                "--ttl-millis", "1000")) {
            String line = a.readLine(LINE);
            assertTrue(line != null && line.startsWith("put "), "JVM A: " + line + " " + a.stderr());
            deadline = Long.parseLong(line.substring(4));
            assertEquals(0, a.waitFor(LINE));
        }
        try (ChildJvm b = ChildJvm.cli(dir, "workload", "read", "sessions")) {
            assertEquals("ready", b.readLine(LINE), b.stderr());
            awaitClockPast(deadline);
            b.writeLine("tmp");
            assertEquals("absent tmp", b.readLine(LINE), "JVM B still sees the expired entry");
            b.closeStdin();
            assertEquals(0, b.waitFor(LINE));
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) { // sweeps: nobody else is attached
            StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
            assertNull(sessions.get("tmp"));
            poll(() -> JournalEvents.count(store, "sessions").get(ChangeType.EXPIRE) == 1, "the sweeper's EXPIRE event");
            assertEquals(0, sessions.longSize());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) { // restart
            StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
            assertNull(sessions.get("tmp"));
            Map<ChangeType, Long> events = JournalEvents.count(store, "sessions");
            assertEquals(1, events.get(ChangeType.PUT));
            assertEquals(1, events.get(ChangeType.EXPIRE));
            assertTrue(store.admin().verify("sessions").clean(), store.admin().verify("sessions").summary());
        }
    }

    @Test
    void anExpiredEntryIsReturnedByNoReadPathAndCountsAsAbsentForWrites() {
        try (DefaultStateStore store = manualSweep()) {
            StoreMap<String, String> m = store.map("c", String.class, String.class, PER_ENTRY);
            m.put("live", "L");
            m.put("gone", "G", Duration.ofMillis(50));
            m.put("gone2", "G", Duration.ofMillis(50));
            m.put("gone3", "G", Duration.ofMillis(50));
            long deadline = System.currentTimeMillis() + 50; // after the puts: no earlier than any of their deadlines
            awaitClockPast(deadline);
            assertNull(m.get("gone"));
            assertFalse(m.containsKey("gone"));
            assertEquals(1, m.size());
            assertEquals(Map.of("live", "L"), Map.copyOf(m));
            assertEquals(List.of("live"), List.copyOf(m.keySet()));
            assertEquals(List.of("L"), List.copyOf(m.values()));
            assertFalse(m.containsValue("G"));
            assertFalse(m.remove("gone", "G"));
            assertFalse(m.replace("gone", "G", "X"));
            assertNull(m.replace("gone", "X"));
            assertNull(m.computeIfPresent("gone", (k, v) -> "X"));
            assertNull(m.putIfAbsent("gone", "new"));
            assertEquals("new", m.get("gone"));
            assertEquals("loaded", m.computeIfAbsent("gone2", k -> "loaded"));
            assertEquals("merged", m.merge("gone3", "merged", (a, b) -> a + b));
            assertEquals("LL", m.merge("live", "L", (a, b) -> a + b));
            assertTrue(m.replace("live", "LL", "L2"));
            assertTrue(m.remove("live", "L2"));
            assertEquals(3, m.size());
            assertTrue(store.admin().verify("c").clean(), store.admin().verify("c").summary());
        }
    }

    @Test
    void aStoreDefaultTtlExpiresEntriesWrittenWithoutOne() {
        try (DefaultStateStore store = manualSweep()) {
            StoreMap<String, String> m = store.map("d", String.class, String.class,
                    MapOptions.builder().ttl(Duration.ofMillis(100)).build());
            m.put("k", "v");
            m.put("long", "v", Duration.ofHours(1));
            long deadline = System.currentTimeMillis() + 100;
            awaitClockPast(deadline);
            assertNull(m.get("k"));
            assertEquals("v", m.get("long"));
            assertEquals(1, store.admin().sweepExpired("d"));
            assertEquals(1, JournalEvents.count(store, "d").get(ChangeType.EXPIRE));
            assertTrue(store.admin().verify("d").clean(), store.admin().verify("d").summary());
        }
    }

    @Test
    void expireAfterAccessKeepsAnEntryThatIsReadAndDropsItOnceReadsStop() {
        try (DefaultStateStore store = manualSweep()) {
            StoreMap<String, String> m = store.map("a", String.class, String.class,
                    MapOptions.builder().ttl(Duration.ofMillis(200)).expireAfterAccess(true).build());
            long written = System.currentTimeMillis();
            m.put("k", "v");
            long lastRead = written; // no later than the previous read's (or the put's) own clock reading
            int checked = 0;
            while (System.currentTimeMillis() < written + 1_000 || checked < 100) { // five TTLs, read far more often
                long before = System.currentTimeMillis();
                String value = m.get("k");
                long after = System.currentTimeMillis();
                if (after - lastRead < 200) { // the previous read moved the deadline past this one
                    assertEquals("v", value, "expired although read " + (after - lastRead) + " ms before");
                    checked++;
                } else if (value == null) { // this thread was off the CPU for a whole TTL: it may expire
                    m.put("k", "v");
                }
                lastRead = before;
                Thread.onSpinWait();
            }
            awaitClockPast(System.currentTimeMillis() + 200);
            assertNull(m.get("k"));
            assertTrue(store.admin().verify("a").clean(), store.admin().verify("a").summary()); // reads moved the deadline, unjournaled
        }
    }

    @Test
    void exactlyOneProcessSweepsAndAnotherTakesOverWhenItLeaves() {
        try (DefaultStateStore first = manualSweep(); DefaultStateStore second = manualSweep()) {
            first.map("s", String.class, String.class, PER_ENTRY).put("x", "1", Duration.ofMillis(1));
            StoreMap<String, String> s2 = second.map("s", String.class, String.class, PER_ENTRY);
            assertTrue(first.admin().sweepExpired("s") >= 0, "the first sweeper takes the free lease");
            assertEquals(-1, second.admin().sweepExpired("s"), "the lease is held");
            first.close();
            s2.put("y", "2", Duration.ofMillis(5));
            long deadline = System.currentTimeMillis() + 5;
            awaitClockPast(deadline);
            assertTrue(second.admin().sweepExpired("s") >= 1, "the second takes the lease over");
        }
    }

    @Test
    void subscribersSeeUserValuesAndTheExpireEvent() throws InterruptedException {
        try (DefaultStateStore store = manualSweep()) {
            StoreMap<String, Long> m = store.map("events", String.class, Long.class, PER_ENTRY);
            List<ChangeEvent<String, Long>> seen = new CopyOnWriteArrayList<>();
            try (Subscription sub = m.subscribe(Position.START, seen::add)) {
                m.put("n", 42L, Duration.ofMillis(20));
                long deadline = System.currentTimeMillis() + 20;
                awaitClockPast(deadline);
                assertEquals(1, store.admin().sweepExpired("events"));
                poll(() -> seen.size() == 2, "two events");
            }
            assertEquals(ChangeType.PUT, seen.get(0).type());
            assertEquals(42L, seen.get(0).value());
            assertEquals(ChangeType.EXPIRE, seen.get(1).type());
            assertEquals("n", seen.get(1).key());
        }
    }

    /** A store whose background sweeper does not run, so the test decides when sweeps happen. */
    private DefaultStateStore manualSweep() {
        return DefaultStateStore.open(StoreConfig.builder(dir).build(), 0);
    }

    /** Waits until the wall clock has passed {@code epochMillis}: TTLs are wall-clock deadlines. */
    static void awaitClockPast(long epochMillis) {
        while (System.currentTimeMillis() <= epochMillis) {
            Thread.onSpinWait();
        }
    }

    static void poll(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
