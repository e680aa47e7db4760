package dev.statestore.cache;

import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.map.DefaultStateStore;
import dev.statestore.registry.StoreMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** store.json records expiry and bound; files of format 1 (before them) still read, as plain stores. */
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
        assertEquals(1000, meta.entries());
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
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.map("u", String.class,
                    String.class, MapOptions.builder().expireAfterAccess(true).build()));
            assertTrue(e.getMessage().contains("ttl"), e.getMessage());
            store.map("p", String.class, String.class);
            assertEquals(StoreMetadata.PLAIN, store.metadata("p").valueLayout(), "no extra bytes without expiry or bound");
        }
    }
}
