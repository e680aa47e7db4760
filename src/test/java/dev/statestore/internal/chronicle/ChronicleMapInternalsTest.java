package dev.statestore.internal.chronicle;

import net.openhft.chronicle.hash.ChronicleHashBuilderPrivateAPI;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
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
    @Test
    void theGeometryIsChroniclesOwn() throws Exception {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(10_000).averageKeySize(8).averageValueSize(8).checksumEntries(true)
                .createPersistedTo(dir.resolve("g").toFile())) {
            assertEquals(map.segments(), ChronicleMapInternals.segments(map));
            assertTrue(ChronicleMapInternals.checksumEntries(map));
            long chunkSize = ChronicleMapInternals.chunkSize(map);
            assertTrue(chunkSize > 0, "chunk size " + chunkSize);
            for (int i = 0; i < 5_000; i++) {
                map.put("key-" + i, "value-" + i);
            }
            // the free-list count against Chronicle's own figures, and the chunks of each entry against it
            long used = 0;
            long perEntry = 0;
            for (int segment = 0; segment < map.segments(); segment++) {
                try (MapSegmentContext<String, String, ?> c = map.segmentContext(segment)) {
                    used += ChronicleMapInternals.usedChunks(c);
                    long[] chunks = {0};
                    int s = segment;
                    c.forEachSegmentEntry(e -> {
                        chunks[0] += ChronicleMapInternals.iteratedEntrySizeInChunks(c);
                        assertEquals(s, ChronicleMapInternals.segmentOf(c), "an iteration context's segment");
                    });
                    perEntry += chunks[0];
                }
            }
            long usedBytes = java.util.Arrays.stream(map.segmentStats()).mapToLong(ChronicleMap.SegmentStats::usedBytes).sum();
            assertEquals(usedBytes, used * chunkSize, "the free lists' set bits are Chronicle's used bytes");
            assertEquals(used, perEntry, "every used chunk belongs to an entry");
            try (ExternalMapQueryContext<String, String, ?> q = map.queryContext("key-7")) {
                q.readLock().lock();
                assertEquals("value-7", q.entry().value().get().toString(), "the entry found first, as the store does");
                assertTrue(ChronicleMapInternals.entrySizeInChunks(q) >= 1);
                assertEquals(q.segmentIndex(), ChronicleMapInternals.segmentOf(q), "a query context's segment");
            }
            assertEquals(-1, ChronicleMapInternals.segmentOf("not a context"));
        }
    }

    @Test
    void theFileHeaderIsReadAsChronicleWritesIt() throws Exception {
        Path file = dir.resolve("h");
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(100).averageKeySize(8).averageValueSize(8).createPersistedTo(file.toFile())) {
            map.put("k", "v");
        }
        java.nio.ByteBuffer word = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder());
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ch.read(word, ChronicleMapInternals.HEADER_SIZE_WORD_OFFSET);
            word.flip();
            int sizeWord = word.getInt();
            assertTrue(ChronicleMapInternals.headerReady(sizeWord), "a completed header is ready");
            int size = ChronicleMapInternals.headerSize(sizeWord);
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(size);
            ch.read(header, ChronicleMapInternals.HEADER_OFFSET);
            String text = new String(header.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("VanillaChronicleMap"), "the header names the map class: " + text);
        }
    }
}
