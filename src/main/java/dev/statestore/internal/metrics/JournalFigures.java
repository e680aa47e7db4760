package dev.statestore.internal.metrics;

import dev.statestore.StoreStats;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.NamedPosition;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts of a store's journal, read from its shared files. Chronicle Queue's sequences (indices)
 * are not contiguous: each daily cycle starts a new range, so "how many events after X" is counted
 * with {@link RollingChronicleQueue#countExcerpts}, which adds up the events of each cycle file,
 * never by subtracting sequences.
 */
public final class JournalFigures {
    private static final Logger LOG = LoggerFactory.getLogger(JournalFigures.class);

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
                subscriptions.add(new StoreStats.SubscriptionStats(p.getKey(), p.getValue(), eventsAfter(journal, p.getValue(), last))));
        return new StoreStats.JournalStats(last, eventsAfter(journal, -1, last), List.copyOf(subscriptions));
    }

    /**
     * Journal entries after {@code position} up to {@code last}: how far a subscription that
     * delivered {@code position} is behind. A position of -1 (nothing delivered yet) counts every
     * entry the journal holds. An entry is one sequence: one change, or one atomic multi-key change.
     */
    static long eventsAfter(Journal journal, long position, long last) {
        if (last < 0 || position >= last) {
            return 0;
        }
        try (ExcerptTailer tailer = journal.tailer()) {
            RollingChronicleQueue queue = (RollingChronicleQueue) tailer.queue();
            long first = queue.firstIndex();
            try {
                if (position < first) { // nothing delivered yet (or older than what the journal keeps): all of it
                    return queue.countExcerpts(first, last) + 1;
                }
                return queue.countExcerpts(position, last); // [position, last) has as many as (position, last]
            } catch (IllegalStateException e) {
                // a cycle file went away while counting (retention): count by reading
                LOG.debug("journal of '{}': counting events after {} by reading ({})", journal.store(), position, e.toString());
                return countByReading(tailer, position, last);
            }
        }
    }

    private static long countByReading(ExcerptTailer tailer, long position, long last) {
        if (position < 0 || !tailer.moveToIndex(position)) {
            tailer.toStart();
        }
        long count = 0;
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() > last) {
                    return count;
                }
                if (!dc.isMetaData() && dc.index() > position) {
                    count++;
                }
            }
        }
    }
}
