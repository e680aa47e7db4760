package dev.statestore.cache;

import dev.statestore.ChangeType;
import dev.statestore.journal.JournalReader;
import dev.statestore.journal.RawEvent;
import dev.statestore.map.DefaultStateStore;

import java.util.EnumMap;
import java.util.Map;

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
}
