package dev.statestore.internal.cache;

import dev.statestore.ChangeType;
import dev.statestore.internal.journal.JournalReader;
import dev.statestore.internal.journal.RawEvent;
import dev.statestore.internal.map.DefaultStateStore;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counts of a store's journal events by type. */
final class JournalEvents {
    private JournalEvents() {
    }

    static Map<ChangeType, Long> count(DefaultStateStore store, String name) {
        Map<ChangeType, Long> counts = new EnumMap<>(ChangeType.class);
        for (ChangeType t : ChangeType.values()) {
            counts.put(t, 0L);
        }
        try (JournalReader reader = store.journal(name).reader()) {
            reader.toStart();
            for (RawEvent e; (e = reader.next()) != null; ) {
                counts.merge(e.type(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * After {@code puts} puts of distinct keys into bounded store {@code name}, which now holds
     * {@code size} entries: each eviction was journaled as one EVICT and counted in
     * cache.evictions, and the map agrees with its journal.
     */
    static void assertEvictionsAccountedFor(DefaultStateStore store, String name, long puts, long size,
                                            MeterRegistry registry) {
        Map<ChangeType, Long> events = count(store, name);
        assertEquals(puts - size, events.get(ChangeType.EVICT), "one EVICT event per eviction");
        assertEquals(puts, events.get(ChangeType.PUT));
        assertEquals((double) (puts - size), registry.get("cache.evictions").functionCounter().count());
        assertTrue(store.admin().verify(name).clean(), store.admin().verify(name).summary());
    }
}
