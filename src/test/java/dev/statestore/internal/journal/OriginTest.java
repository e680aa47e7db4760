package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent;
import dev.statestore.Position;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A change made under {@link ChangeCause#replicating} reaches subscribers with its origin; others have none. */
class OriginTest {
    @TempDir
    Path dir;

    @Test
    void subscribersSeeTheOriginOfReplicatedChangesOnly() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> map = store.map("s", String.class, String.class);
            map.put("local", "1");
            ChangeCause.replicating(new ChangeEvent.Origin("host-b", 77), () -> map.put("remote", "2"));
            ChangeCause.replicating(new ChangeEvent.Origin("host-b", 78), () -> map.remove("local"));
            map.put("after", "3");
            List<ChangeEvent<String, String>> events = new CopyOnWriteArrayList<>();
            try (Subscription sub = map.subscribe(Position.START, events::add)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (events.size() < 4 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            assertEquals(4, events.size(), events.toString());
            assertNull(events.get(0).origin());
            assertFalse(events.get(0).replicated());
            assertEquals(new ChangeEvent.Origin("host-b", 77), events.get(1).origin());
            assertEquals("2", events.get(1).value());
            assertTrue(events.get(2).replicated());
            assertEquals("local", events.get(2).key());
            assertNull(events.get(3).origin());
            assertTrue(store.admin().verify("s").clean(), "map and journal agree with replicated events in it");
        }
    }
}
