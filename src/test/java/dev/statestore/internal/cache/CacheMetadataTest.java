package dev.statestore.internal.cache;

import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * store.json records expiry and bounds; files of format 1 (before them) still read, as plain
 * stores, and of format 2 (before maxBytes) as stores without a bound by bytes.
 */
class CacheMetadataTest {
    @TempDir
    Path dir;

    @Test
    void aFormatOneStoreJsonReadsAsAPlainStore() throws URISyntaxException {
        Path golden = Path.of(getClass().getResource("/golden/format1/old/store.json").toURI()).getParent();
        StoreMetadata meta = StoreMetadata.read(golden, "old");
        assertEquals(StoreMetadata.PLAIN, meta.valueLayout());
        assertFalse(meta.stamped());
        assertEquals(0, meta.ttlMillis());
        assertEquals(0, meta.maxEntries());
        assertEquals(0, meta.maxBytes());
        assertEquals(1000, meta.entries());
    }

    @Test
    void aFormatTwoStoreJsonReadsAsAStoreWithoutAByteBound() throws URISyntaxException {
        Path golden = Path.of(getClass().getResource("/golden/format2/cache/store.json").toURI()).getParent();
        StoreMetadata meta = StoreMetadata.read(golden, "cache");
        assertEquals(2, meta.format());
        assertTrue(meta.stamped());
        assertEquals(30_000, meta.ttlMillis());
        assertTrue(meta.expireAfterAccess());
        assertEquals(5000, meta.maxEntries());
        assertEquals(0, meta.maxBytes());
    }

    @Test
    void expiryAndBoundAreRecordedAndOptionsAreChecked() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            store.map("t", String.class, String.class, MapOptions.builder().ttl(Duration.ofSeconds(30))
                    .expireAfterAccess(true).maxEntries(500).build());
            StoreMetadata meta = store.metadata("t");
            assertEquals(StoreMetadata.FORMAT, meta.format());
            assertTrue(meta.stamped());
            assertEquals(30_000, meta.ttlMillis());
            assertTrue(meta.expireAfterAccess());
            assertEquals(500, meta.maxEntries());
            assertEquals(500, meta.entries(), "entries default to the bound");
            assertEquals(0, meta.maxBytes());
            store.map("b", String.class, String.class, MapOptions.builder().maxBytes(1L << 20)
                    .averageKeySize(24).averageValueSize(1000).build());
            StoreMetadata bytes = store.metadata("b");
            assertEquals(StoreMetadata.FORMAT, bytes.format());
            assertTrue(bytes.stamped(), "a store bounded by bytes stamps its values (access clock)");
            assertEquals(1L << 20, bytes.maxBytes());
            assertEquals(0, bytes.maxEntries());
            assertEquals((1L << 20) / 1024, bytes.entries(), "entries default to maxBytes over an average entry");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.map("u", String.class,
                    String.class, MapOptions.builder().expireAfterAccess(true).build()));
            assertTrue(e.getMessage().contains("ttl"), e.getMessage());
            store.map("p", String.class, String.class);
            assertEquals(StoreMetadata.PLAIN, store.metadata("p").valueLayout(), "no extra bytes without expiry or bound");
        }
    }
}
