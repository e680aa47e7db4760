package dev.statestore.internal.journal;

import net.openhft.chronicle.queue.ExcerptTailer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a journal event by event. One journal entry usually holds one event; an atomic multi-key
 * change holds several, all with the entry's sequence, which a reader hands out in order. Use from
 * one thread.
 */
public final class JournalReader implements AutoCloseable {
    private final ExcerptTailer tailer;
    private final Deque<RawEvent> pending = new ArrayDeque<>();

    JournalReader(ExcerptTailer tailer) {
        this.tailer = tailer;
    }

    public JournalReader toStart() {
        pending.clear();
        tailer.toStart();
        return this;
    }

    public JournalReader toEnd() {
        pending.clear();
        tailer.toEnd();
        return this;
    }

    /** Positions the reader at the entry {@code sequence}; false when the journal has no such entry. */
    public boolean moveTo(long sequence) {
        pending.clear();
        return tailer.moveToIndex(sequence);
    }

    /** The next event, or null when there is none yet. */
    public RawEvent next() {
        if (pending.isEmpty()) {
            Journal.readEntry(tailer, pending);
        }
        return pending.poll();
    }

    @Override
    public void close() {
        tailer.close();
    }
}
