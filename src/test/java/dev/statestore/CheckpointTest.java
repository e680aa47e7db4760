package dev.statestore;

import dev.statestore.internal.journal.Replay;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints and rebuild: snapshot at S plus the journal after S reproduce the map exactly. */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void rebuildFromTheLatestCheckpointAndTheJournalAfterItReproducesTheMap() {
        Map<String, String> expected;
        long checkpointSequence;
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("orders", String.class, String.class);
            for (int i = 0; i < 500; i++) {
                m.put("o" + i, "v" + i);
            }
            for (int i = 0; i < 100; i++) {
                m.remove("o" + i);
            }
            CheckpointReport report = store.admin().checkpoint("orders");
            assertEquals(400, report.entries());
            checkpointSequence = report.sequence();
            for (int i = 400; i < 600; i++) {
                m.put("o" + i, "w" + i);
            }
            m.remove("o450");
            expected = new HashMap<>(m);

            Replay.Result replayed = Replay.replay(store.journal("orders"), dir.resolve("orders"), Long.MAX_VALUE);
            assertEquals(checkpointSequence, replayed.checkpointSequence(), "replay starts from the checkpoint");
            assertEquals(201, replayed.events(), "only the events after the checkpoint are needed");
            assertTrue(store.admin().verify("orders").clean(), store.admin().verify("orders").summary());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            RebuildReport report = store.admin().rebuild("orders");
            assertEquals(checkpointSequence, report.checkpointSequence());
            assertEquals(expected.size(), report.entries());
            assertEquals(expected, new HashMap<>(store.map("orders", String.class, String.class)));
            assertTrue(store.admin().verify("orders").clean());
        }
    }

    @Test
    void rebuildIsRefusedWhileAnotherStateStoreIsAttached() {
        try (StateStore writer = StateStore.open(dir)) {
            writer.map("busy", String.class, String.class).put("k", "v");
            try (DefaultStateStore other = (DefaultStateStore) StateStore.open(dir)) {
                StateStoreException e = assertThrows(StateStoreException.class, () -> other.admin().rebuild("busy"));
                assertTrue(e.getMessage().contains("attached"), e.getMessage());
            }
            assertEquals("v", writer.map("busy", String.class, String.class).get("k"));
        }
    }
}
