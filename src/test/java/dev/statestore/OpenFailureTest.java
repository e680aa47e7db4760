package dev.statestore;

import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.platform.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An open that fails half-way releases what it acquired: no process slot, map or journal is left held. */
class OpenFailureTest {
    @TempDir
    Path dir;

    @Test
    void anOpenThatFailsAfterClaimingItsProcessSlotReleasesIt() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("s", String.class, String.class).put("k", "v");
        }
        Path table = dir.resolve("s").resolve("stripes.tbl");
        byte[] good = Files.readAllBytes(table);
        byte[] bad = good.clone();
        bad[0] ^= 0x7F; // not a lock table: found after the map is attached and this process's slot claimed
        Files.write(table, bad);
        try (StateStore store = StateStore.open(dir)) {
            assertThrows(CorruptStoreException.class, () -> store.map("s", String.class, String.class));
            assertTrue(attached().isEmpty(), "a failed open left this process attached: " + attached());
        }
        Files.write(table, good);
        try (StateStore store = StateStore.open(dir)) { // and the store opens as before once the file is right
            assertEquals("v", store.map("s", String.class, String.class).get("k"));
            assertEquals(1, attached().size());
        }
    }

    private List<StoreInfo.AttachedProcess> attached() throws java.io.IOException {
        try (ProcessTable processes = ProcessTable.openOrCreate("s", dir.resolve("s"), new FileModes(false))) {
            return processes.live();
        }
    }
}
