package dev.statestore.cache;

import dev.statestore.ChangeType;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.map.DefaultStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
            long deadline = System.currentTimeMillis() + 5;
            for (int i = 0; i < 1_000; i++) {
                m.put(i, i, java.time.Duration.ofMillis(5));
            }
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
}
