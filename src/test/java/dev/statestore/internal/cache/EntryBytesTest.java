package dev.statestore.internal.cache;

import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;
import net.openhft.chronicle.map.impl.CompiledMapIterationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytes a maxBytes bound counts are Chronicle Map's own: they equal its {@code segmentStats()},
 * over every tier, and the chunks of the entries eviction iterates add up to them.
 */
class EntryBytesTest {
    @TempDir
    Path dir;

    @Test
    void entryBytesAreChronicleSegmentStatsAndTheEntriesChunksAddUpToThemAcrossTiers() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            ChronicleStoreMap<?, ?, ?, ?> m = (ChronicleStoreMap<?, ?, ?, ?>) store.map("tiers", String.class,
                    String.class, MapOptions.builder().entries(1_000).averageKeySize(8).averageValueSize(40)
                            .perEntryTtl(true).build());
            @SuppressWarnings("unchecked")
            ChronicleStoreMap<String, String, ?, ?> map = (ChronicleStoreMap<String, String, ?, ?>) m;
            for (int i = 0; i < 8_000; i++) { // past the first tier of every segment
                map.put("k" + i, "v".repeat(i % 120));
            }
            assertTrue(Arrays.stream(map.chronicle().segmentStats()).anyMatch(s -> s.tiers() > 1), "no extra tier");
            assertAgreeWithChronicle(map);
            for (int i = 0; i < 8_000; i += 2) {
                map.remove("k" + i);
            }
            assertAgreeWithChronicle(map);
        }
    }

    private static void assertAgreeWithChronicle(ChronicleStoreMap<?, ?, ?, ?> map) {
        ChronicleMap<?, ?> chronicle = map.chronicle();
        long statsBytes = Arrays.stream(chronicle.segmentStats()).mapToLong(ChronicleMap.SegmentStats::usedBytes).sum();
        assertEquals(statsBytes, map.usedBytes());
        long chunkSize = ((VanillaChronicleHash<?, ?, ?, ?>) chronicle).chunkSize;
        long entryBytes = 0;
        for (int segment = 0; segment < map.stripes().stripes(); segment++) {
            try (MapSegmentContext<?, ?, ?> c = chronicle.segmentContext(segment)) {
                CompiledMapIterationContext<?, ?, ?> entry = (CompiledMapIterationContext<?, ?, ?>) c;
                long[] chunks = {0};
                c.forEachSegmentEntry(e -> chunks[0] += entry.entrySizeInChunks());
                assertEquals(dev.statestore.internal.chronicle.ChronicleMapInternals.usedChunks(c), chunks[0], "segment " + segment);
                entryBytes += chunks[0] * chunkSize;
            }
        }
        assertEquals(statsBytes, entryBytes);
    }
}
