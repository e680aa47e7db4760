package dev.statestore.internal.cache;

import dev.statestore.ChangeType;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store bounded by maxEntries evicts its least recently used entries, each journaled as EVICT. */
class BoundedStoreTest {
    private static final int BOUND = 10_000;
    private static final int PUTS = 100_000;
    private static final int HOT = 200;

    @TempDir
    Path dir;

    @Test
    void aStoreBoundedAtTenThousandStaysWithinItUnderAHundredThousandPutsAndJournalsEachEviction() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<String, String> m = store.map("bounded", String.class, String.class,
                    MapOptions.builder().maxEntries(BOUND).averageKeySize(12).averageValueSize(16).build());
            for (int i = 0; i < HOT; i++) {
                m.put("hot-" + i, "h" + i);
            }
            for (int i = 0; i < PUTS; i++) {
                m.put("key-" + i, "v" + i);
                m.get("hot-" + (i % HOT)); // the hot set is read all along
                if (i % 1_000 == 0) {
                    assertTrue(m.longSize() <= BOUND, "over the bound after " + i + " puts: " + m.longSize());
                }
            }
            long size = m.longSize();
            assertTrue(size <= BOUND, "size " + size);
            assertTrue(size >= BOUND - BOUND / 64 - 1, "evicted far more than needed: size " + size);
            for (int i = 0; i < HOT; i++) {
                assertNotNull(m.get("hot-" + i), "hot entry hot-" + i + " was evicted");
            }
            JournalEvents.assertEvictionsAccountedFor(store, "bounded", PUTS + HOT, size, registry);
        }
    }

    @Test
    void evictionPrefersExpiredEntriesAndJournalsThemAsExpire() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<Integer, Integer> m = store.map("mixed", Integer.class, Integer.class,
                    MapOptions.builder().maxEntries(1_000).build());
            for (int i = 0; i < 1_000; i++) {
                m.put(i, i, java.time.Duration.ofMillis(5));
            }
            long deadline = System.currentTimeMillis() + 5; // after the puts: no earlier than any of their deadlines
            ExpiryTest.awaitClockPast(deadline);
            for (int i = 1_000; i < 1_500; i++) {
                m.put(i, i);
            }
            Map<ChangeType, Long> events = JournalEvents.count(store, "mixed");
            assertEquals(0, events.get(ChangeType.EVICT), "live entries were evicted while expired ones were left");
            assertTrue(events.get(ChangeType.EXPIRE) > 0);
            for (int i = 1_000; i < 1_500; i++) {
                assertEquals(i, m.get(i));
            }
        }
    }

    @Test
    void keysReadAfterAnEvictionScanOutliveTheUnreadOnesTheScanListedAndTheNewestKeysStay() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<Integer, Integer> m = store.map("lru", Integer.class, Integer.class,
                    MapOptions.builder().maxEntries(1_000).build());
            for (int i = 0; i < 1_500; i++) { // past the bound: scans list each segment's oldest
                m.put(i, i);
            }
            List<Integer> read = new ArrayList<>();
            for (int i = 0; i < 1_500 && read.size() < 100; i++) { // the oldest left: the ones listed next
                if (m.get(i) != null) {
                    read.add(i);
                }
            }
            for (int i = 1_500; i < 1_800; i++) { // evicts from the lists made before the reads
                m.put(i, i);
            }
            for (int k : read) {
                assertEquals(k, m.get(k), "key " + k + " was read after the scan yet evicted");
            }
            for (int i = 1_500; i < 1_800; i++) {
                assertEquals(i, m.get(i), "new key " + i + " was evicted");
            }
            int oldestLeft = 1_500;
            int newestGone = -1;
            for (int i = 0; i < 1_500; i++) {
                if (read.contains(i)) {
                    continue;
                }
                if (m.get(i) == null) {
                    newestGone = i;
                } else {
                    oldestLeft = Math.min(oldestLeft, i);
                }
            }
            // per-segment LRU: segments evict to different depths, by about a batch (1/64 of a share) each
            assertTrue(newestGone - oldestLeft < 200, "LRU order lost: key " + newestGone + " evicted, "
                    + oldestLeft + " (older, unread) kept");
            long size = m.longSize();
            assertTrue(size <= 1_000 && size >= 1_000 - 1_000 / 64 - 1, "size " + size);
            JournalEvents.assertEvictionsAccountedFor(store, "lru", 1_800, size, registry);
        }
    }

    @Test
    void anEntryThatExpiresAfterTheScanThatLeftItOutIsTakenBeforeALiveOne() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<Integer, Integer> m = store.map("ttl", Integer.class, Integer.class,
                    MapOptions.builder().maxEntries(1_000).build());
            for (int i = 0; i < 1_000; i++) {
                m.put(i, i);
            }
            for (int i = 1_000; i < 1_300; i++) { // each over the bound: scans list the oldest live keys
                m.put(i, i, java.time.Duration.ofMillis(300));
            }
            long deadline = System.currentTimeMillis() + 300; // every one of them has expired past this
            long evicted = JournalEvents.count(store, "ttl").get(ChangeType.EVICT);
            assertTrue(evicted > 0);
            ExpiryTest.awaitClockPast(deadline);
            for (int i = 1_300; i < 1_400; i++) {
                m.put(i, i);
            }
            Map<ChangeType, Long> events = JournalEvents.count(store, "ttl");
            assertEquals(evicted, events.get(ChangeType.EVICT), "live entries were evicted while expired ones were left");
            // 100 puts into a store that was between its floor and its bound
            assertTrue(events.get(ChangeType.EXPIRE) >= 100 - 1_000 / 64 - 1, "expired: " + events.get(ChangeType.EXPIRE));
            assertTrue(store.admin().verify("ttl").clean(), store.admin().verify("ttl").summary());
        }
    }
}
