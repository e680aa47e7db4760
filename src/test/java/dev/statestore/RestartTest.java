package dev.statestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartTest {
    @TempDir
    Path dir;

    @Test
    void reopenedStoreHasEntriesWrittenBeforeClose() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
            sessions.put("user-42", "hello");
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals("hello", store.map("sessions", String.class, String.class).get("user-42"));
        }
    }
}
