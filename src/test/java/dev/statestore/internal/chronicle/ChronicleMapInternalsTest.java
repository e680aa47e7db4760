package dev.statestore.internal.chronicle;

import net.openhft.chronicle.hash.ChronicleHashBuilderPrivateAPI;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapSegmentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of each reach into Chronicle Map's internals: fails when a Chronicle version changes
 * what statestore relies on (then fix {@link ChronicleMapInternals}, nothing else).
 */
class ChronicleMapInternalsTest {
    @TempDir
    Path dir;

    @Test
    void aSegmentLockLeftHeldIsFreedByTheReset() throws Exception {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(1_000).averageKeySize(8).averageValueSize(8).createPersistedTo(dir.resolve("m").toFile())) {
            map.put("k", "v");
            int segment;
            try (var c = map.queryContext("k")) {
                segment = c.segmentIndex();
            }
            // a holder that never releases it, as a process killed inside an operation
            CompletableFuture.runAsync(() -> {
                MapSegmentContext<String, String, ?> c = map.segmentContext(segment);
                ((net.openhft.chronicle.hash.SegmentLock) c).writeLock().lock();
            }).get(10, TimeUnit.SECONDS);
            ChronicleMapInternals.resetSegmentLock(map, segment);
            String read = CompletableFuture.supplyAsync(() -> map.get("k")).get(10, TimeUnit.SECONDS);
            assertEquals("v", read, "the segment is usable again after the reset");
        }
    }

    @Test
    void theSizingOfABuilderIsReadWithoutMakingAMap() {
        ChronicleHashBuilderPrivateAPI<?, ?> sizing = ChronicleMapInternals.sizing(
                ChronicleMapBuilder.of(String.class, String.class).entries(100_000).averageKeySize(16).averageValueSize(64));
        assertTrue(sizing.actualSegments() > 0, "segments");
        assertTrue(sizing.entriesPerSegment() > 0, "entries per segment");
        assertTrue(sizing.chunkSize() > 0 && sizing.actualChunksPerSegmentTier() > 0, "chunks");
        assertTrue((long) sizing.actualSegments() * sizing.entriesPerSegment() >= 100_000,
                "the segments hold the entries asked for");
    }
}
