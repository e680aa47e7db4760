package dev.statestore.internal.cache;

import dev.statestore.ChangeType;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.DefaultStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store bounded by maxBytes keeps the bytes its entries take in the map file (Chronicle's
 * allocation) within the bound, evicting its least recently used entries, each journaled as EVICT.
 */
class BoundedBytesTest {
    private static final long MAX_BYTES = 2L << 20;
    private static final int PUTS = 100_000;
    private static final int HOT = 200;
    private static final Duration RUN = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aStoreBoundedAtTwoMegabytesStaysWithinItUnderAHundredThousandPutsKeepsTheHotEntriesAndJournalsEachEviction() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<String, String> m = store.map("bounded", String.class, String.class,
                    MapOptions.builder().maxBytes(MAX_BYTES).averageKeySize(10).averageValueSize(100).build());
            String value = "v".repeat(90);
            for (int i = 0; i < HOT; i++) {
                m.put("hot-" + i, value + i);
            }
            for (int i = 0; i < PUTS; i++) {
                m.put("key-" + i, value + i);
                m.get("hot-" + (i % HOT)); // the hot set is read all along
                if (i % 1_000 == 0) {
                    long used = store.admin().entryBytes("bounded");
                    assertTrue(used <= MAX_BYTES, "over the bound after " + i + " puts: " + used + " bytes");
                }
            }
            long used = store.admin().entryBytes("bounded");
            assertTrue(used <= MAX_BYTES, "entry bytes " + used);
            assertTrue(used >= MAX_BYTES - MAX_BYTES / 32, "evicted far more than needed: entry bytes " + used);
            for (int i = 0; i < HOT; i++) {
                assertNotNull(m.get("hot-" + i), "hot entry hot-" + i + " was evicted");
            }
            JournalEvents.assertEvictionsAccountedFor(store, "bounded", PUTS + HOT, m.longSize(), registry);
        }
    }

    @Test
    void withBothBoundsEitherOneEvicts() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            long maxBytes = 256L << 10;
            StoreMap<Integer, String> m = store.map("both", Integer.class, String.class,
                    MapOptions.builder().maxEntries(1_000).maxBytes(maxBytes).entries(5_000).averageValueSize(64).build());
            for (int i = 0; i < 5_000; i++) { // small values: the count binds
                m.put(i, "s" + i);
            }
            assertTrue(m.longSize() <= 1_000, "size " + m.longSize());
            assertTrue(store.admin().entryBytes("both") <= maxBytes);
            String big = "b".repeat(300);
            for (int i = 5_000; i < 10_000; i++) { // large values: the bytes bind
                m.put(i, big);
            }
            long used = store.admin().entryBytes("both");
            assertTrue(used <= maxBytes, "entry bytes " + used);
            assertTrue(m.longSize() < 1_000 - 1_000 / 64 - 1, "the byte bound did not evict: size " + m.longSize());
            assertEquals(10_000 - m.longSize(), JournalEvents.count(store, "both").get(ChangeType.EVICT));
        }
    }

    @Test
    void anEntryLargerThanItsSegmentsShareIsEvictedAtOnceAndTheOthersStay() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            long maxBytes = 2_048; // one segment (a store of 32 entries has one), so its share is all of it
            StoreMap<String, String> m = store.map("huge", String.class, String.class,
                    MapOptions.builder().maxBytes(maxBytes).entries(32).averageKeySize(8).averageValueSize(100).build());
            for (int i = 0; i < 10; i++) {
                m.put("k" + i, "v" + i);
            }
            m.put("huge", "h".repeat(3_000)); // fits in a Chronicle tier, never in the bound
            assertNull(m.get("huge"));
            for (int i = 0; i < 10; i++) {
                assertEquals("v" + i, m.get("k" + i), "k" + i + " was evicted for an entry that can never fit");
            }
            assertEquals(1, JournalEvents.count(store, "huge").get(ChangeType.EVICT));
        }
    }

    @Test
    void anEntryLargerThanItsSegmentsShareIsEvictedAtOnceAlsoOnceTheStoreHasBeenEvicting() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            long maxBytes = 40L << 10; // one segment: its share is all of it
            StoreMap<String, String> m = store.map("huge", String.class, String.class,
                    MapOptions.builder().maxBytes(maxBytes).entries(300).averageKeySize(8).averageValueSize(100).build());
            for (int i = 0; i < 1_000; i++) { // evicts all along: the segment has a list of candidates
                m.put("k" + i, "v".repeat(100) + i);
            }
            List<String> present = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                if (m.get("k" + i) != null) {
                    present.add("k" + i);
                }
            }
            long evicted = JournalEvents.count(store, "huge").get(ChangeType.EVICT);
            assertTrue(evicted > 0 && present.size() > 10, "evicted " + evicted + ", present " + present.size());
            m.put("huge", "h".repeat(45_000));
            assertNull(m.get("huge"));
            m.putAll(Map.of("huge2", "h".repeat(45_000))); // a batch: the segment is scanned
            assertNull(m.get("huge2"));
            for (String k : present) {
                assertNotNull(m.get(k), k + " was evicted for an entry that can never fit");
            }
            assertEquals(evicted + 2, JournalEvents.count(store, "huge").get(ChangeType.EVICT));
            assertTrue(store.admin().entryBytes("huge") <= maxBytes);
            assertTrue(store.admin().verify("huge").clean(), store.admin().verify("huge").summary());
        }
    }

    @Test
    void aBoundTheStoreCannotReachOrCannotUseIsRefusedAtCreationNamingTheFix() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class, () -> store.map("s",
                    String.class, String.class, MapOptions.builder().maxBytes(1L << 40).entries(1_000).build()));
            assertContains(tooLarge.getMessage(), "Store 's'", "maxBytes 1099511627776 is more than the store can hold",
                    "entries 1000 x maxGrowth 10.0", "raise entries or maxGrowth, or lower maxBytes");
            IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class, () -> store.map("s",
                    String.class, String.class, MapOptions.builder().maxBytes(1_000).entries(100_000).build()));
            assertContains(tooSmall.getMessage(), "Store 's'", "maxBytes 1000 is too small", "segments",
                    "raise maxBytes to at least", "or lower entries");
            assertNull(store.metadata("s"), "a refused store was created");
            StoreMap<String, String> m = store.map("s", String.class, String.class, MapOptions.builder().maxBytes(1_000).build());
            m.put("k", "v");
            assertEquals("v", m.get("k"));
        }
    }

    @Test
    void reopeningWithAnotherMaxBytesKeepsTheBoundTheStoreWasCreatedWith() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            store.map("r", String.class, String.class, MapOptions.builder().maxBytes(1L << 20).build());
        }
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<String, String> m = store.map("r", String.class, String.class,
                    MapOptions.builder().maxBytes(64L << 20).build());
            assertEquals(1L << 20, store.metadata("r").maxBytes());
            String value = "v".repeat(200);
            for (int i = 0; i < 20_000; i++) {
                m.put("k" + i, value);
            }
            assertTrue(store.admin().entryBytes("r") <= 1L << 20, "entry bytes " + store.admin().entryBytes("r"));
        }
    }

    @Test
    void twoJvmsWritingABytesBoundedStoreKeepItWithinTheBound() throws Exception {
        long maxBytes = 256L << 10;
        try (StateStore store = StateStore.open(dir)) { // created before both writers attach
            store.map("shared", String.class, String.class,
                    MapOptions.builder().maxBytes(maxBytes).averageKeySize(10).averageValueSize(16).build());
        }
        Path go = dir.resolve("go");
        try (ChildJvm a = ChildJvm.cli(dir, "workload", "write", "shared", "--await", go.toString(), "--count", "20000",
                "--start", "0");
             ChildJvm b = ChildJvm.cli(dir, "workload", "write", "shared", "--await", go.toString(), "--count", "20000",
                     "--start", "20000")) {
            Files.createFile(go);
            assertEquals(0, a.waitFor(RUN), a.stderr());
            assertEquals(0, b.waitFor(RUN), b.stderr());
        }
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            long used = store.admin().entryBytes("shared");
            assertTrue(used <= maxBytes, "entry bytes " + used);
            assertTrue(used >= maxBytes - maxBytes / 16, "evicted far more than needed: entry bytes " + used);
            long size = store.existing("shared").longSize();
            assertEquals(40_000 - size, JournalEvents.count(store, "shared").get(ChangeType.EVICT));
            assertTrue(store.admin().verify("shared").clean(), store.admin().verify("shared").summary());
        }
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected \"" + part + "\" in: " + message);
        }
    }
}
