package dev.statestore.internal.metrics;

import dev.statestore.StoreStats;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.NamedPosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Counts of a store's journal, read from its shared files. */
public final class JournalFigures {

    private JournalFigures() {
    }

    /** The journal's figures, with each named subscription of the store and its lag. */
    public static StoreStats.JournalStats of(Journal journal, Path storeDir) {
        long last = journal.lastSequence();
        Map<String, Long> positions;
        try {
            positions = NamedPosition.readAll(storeDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Store '" + journal.store() + "': cannot read its subscription positions", e);
        }
        List<StoreStats.SubscriptionStats> subscriptions = new ArrayList<>();
        positions.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(p ->
                subscriptions.add(new StoreStats.SubscriptionStats(p.getKey(), p.getValue(), journal.entriesAfter(p.getValue()))));
        return new StoreStats.JournalStats(last, journal.entriesAfter(-1), List.copyOf(subscriptions));
    }
}
