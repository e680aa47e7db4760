package dev.statestore.internal.journal;

import net.openhft.chronicle.queue.ExcerptTailer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a journal event by event. One journal entry usually holds one event; an atomic multi-key
 * change holds several, all with the entry's sequence, which a reader hands out in order. Use from
 * one thread. A journal file it cannot read is a {@code CorruptStoreException}, whatever Chronicle
 * threw.
 */
public final class JournalReader implements AutoCloseable {
    private final Journal journal;
    private final ExcerptTailer tailer;
    private final Deque<RawEvent> pending = new ArrayDeque<>();

    JournalReader(Journal journal, ExcerptTailer tailer) {
        this.journal = journal;
        this.tailer = tailer;
    }

    public JournalReader toStart() {
        pending.clear();
        try {
            tailer.toStart();
        } catch (RuntimeException | AssertionError e) {
            throw journal.damaged(e);
        }
        return this;
    }

    public JournalReader toEnd() {
        pending.clear();
        try {
            tailer.toEnd();
        } catch (RuntimeException | AssertionError e) {
            throw journal.damaged(e);
        }
        return this;
    }

    /** Positions the reader at the entry {@code sequence}; false when the journal has no such entry. */
    public boolean moveTo(long sequence) {
        pending.clear();
        try {
            return tailer.moveToIndex(sequence);
        } catch (RuntimeException | AssertionError e) {
            throw journal.damaged(e);
        }
    }

    /** The next event, or null when there is none yet. */
    public RawEvent next() {
        if (pending.isEmpty()) {
            try {
                EventLayout.readEntry(tailer, pending);
            } catch (RuntimeException | AssertionError e) {
                throw journal.damaged(e);
            }
        }
        return pending.poll();
    }

    @Override
    public void close() {
        tailer.close();
    }
}
