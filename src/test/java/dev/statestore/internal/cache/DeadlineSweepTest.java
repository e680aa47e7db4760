package dev.statestore.internal.cache;

import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweeper passes over only the segments that may hold entries with a deadline: a cache bounded
 * by size whose entries never expire is not read whole every second, and an entry given a time to
 * live, in this process or another, is still swept.
 */
class DeadlineSweepTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final MapOptions BOUNDED = MapOptions.builder().maxEntries(10_000).averageKeySize(12)
            .averageValueSize(8).build();

    @TempDir
    Path dir;

    @Test
    void aBoundedStoreWithoutDeadlinesIsSweptWholeOnlyOnTheFullPassAndAnEntryWithOneIsStillExpired() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<String, String> m = store.map("cache", String.class, String.class, BOUNDED);
            ChronicleStoreMap<?, ?, ?, ?> map = (ChronicleStoreMap<?, ?, ?, ?>) m;
            for (int i = 0; i < 5_000; i++) {
                m.put("key-" + i, "v" + i);
            }
            int segments = map.stripes().stripes();
            assertEquals(0, store.admin().sweepExpired("cache"));
            assertEquals(segments, map.segmentsSwept(), "the first pass reads every segment");
            assertEquals(0, store.admin().sweepExpired("cache"));
            assertEquals(0, map.segmentsSwept(), "nothing can expire: nothing to read");

            m.put("short", "s", Duration.ofMillis(1));
            m.put("long", "l", Duration.ofHours(1));
            awaitClockPast(System.currentTimeMillis() + 2);
            assertEquals(1, store.admin().sweepExpired("cache"), "the entry whose time ran out is swept");
            assertNull(m.get("short"));
            int withDeadlines = map.segmentsSwept();
            assertTrue(withDeadlines >= 1 && withDeadlines <= 2, "read the segments written with a deadline: " + withDeadlines);
            assertEquals(0, store.admin().sweepExpired("cache"));
            assertEquals(1, map.segmentsSwept(), "only the segment still holding an entry with a deadline");

            m.put("long", "no deadline now");
            assertEquals(0, store.admin().sweepExpired("cache"));
            assertEquals(1, map.segmentsSwept(), "found without deadlines");
            assertEquals(0, store.admin().sweepExpired("cache"));
            assertEquals(0, map.segmentsSwept());
            assertEquals(5_001, m.size());
        }
    }

    @Test
    void everyFullSweepEveryReadsEverySegmentWhateverTheMarksSay() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<String, String> m = store.map("cache", String.class, String.class, BOUNDED);
            ChronicleStoreMap<?, ?, ?, ?> map = (ChronicleStoreMap<?, ?, ?, ?>) m;
            m.put("k", "v");
            int segments = map.stripes().stripes();
            for (int call = 0; call <= ChronicleStoreMap.FULL_SWEEP_EVERY; call++) {
                store.admin().sweepExpired("cache");
                int expected = call % ChronicleStoreMap.FULL_SWEEP_EVERY == 0 ? segments : 0;
                assertEquals(expected, map.segmentsSwept(), "call " + call);
            }
        }
    }

    @Test
    void anEntryWithADeadlineWrittenByAnotherJvmIsSweptHere() throws Exception {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<String, String> m = store.map("cache", String.class, String.class, BOUNDED);
            ChronicleStoreMap<?, ?, ?, ?> map = (ChronicleStoreMap<?, ?, ?, ?>) m;
            m.put("k", "v");
            store.admin().sweepExpired("cache");
            store.admin().sweepExpired("cache");
            assertEquals(0, map.segmentsSwept(), "marked: no deadlines anywhere");

            long written = System.currentTimeMillis();
            try (ChildJvm other = ChildJvm.cli(dir, "put", "cache", "from-other", "x", "--ttl", "1ms")) {
                assertEquals(0, other.waitFor(LINE), other.stderr());
            }
            awaitClockPast(written + 2);
            assertEquals(1, store.admin().sweepExpired("cache"), "the other JVM marked the segment it wrote to");
            assertEquals(1, map.segmentsSwept());
            assertNull(m.get("from-other"));
        }
    }

    /** The deadline is a wall-clock time: wait for the clock, not for a thread. */
    private static void awaitClockPast(long millis) {
        while (System.currentTimeMillis() <= millis) {
            Thread.onSpinWait();
        }
    }
}
