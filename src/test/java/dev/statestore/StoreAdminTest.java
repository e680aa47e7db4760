package dev.statestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API reached from {@link StateStore#admin()}, used as an application would, with API types only. */
class StoreAdminTest {
    @TempDir
    Path dir;

    @Test
    void adminOperationsWorkThroughTheApiAlone() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("orders", String.class, String.class);
            for (int i = 0; i < 100; i++) {
                m.put("o" + i, "v" + i);
            }
            StoreAdmin admin = store.admin();
            assertTrue(admin.verify("orders").clean());
            StoreStats stats = admin.stats("orders");
            assertEquals(100, stats.entries());
            assertNotNull(stats.journal());
            assertTrue(admin.entryBytes("orders") > 100 * 4);
            assertEquals(0, admin.sweepExpired("orders")); // no expiry on this store
            CheckpointReport checkpoint = admin.checkpoint("orders");
            assertEquals(100, checkpoint.entries());
        }
        try (StateStore store = StateStore.open(dir)) {
            RecoveryReport recovery = store.admin().recover("orders");
            assertTrue(recovery.clean());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(100, store.admin().rebuild("orders").entries());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(100, store.admin().compact("orders", 0).entries());
            assertEquals(100, store.map("orders", String.class, String.class).size());
        }
    }

    @Test
    void adminOfAMissingStoreSaysSo() {
        try (StateStore store = StateStore.open(dir)) {
            assertThrows(StoreNotFoundException.class, () -> store.admin().verify("nothing"));
        }
    }
}
