package dev.statestore.internal.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a journal event by event, in sequence order, merging the queues of its writers (see
 * {@link WriterTable}): the journal's legacy queue first (every sequence in it is below the
 * writer queues' base), then, from the writer queues, the entry of each next sequence in turn. A
 * sequence no queue holds yet is waited for (next returns null) while a live writer may still
 * commit it, and passed over once none can. One journal entry usually holds one event; an atomic
 * multi-key change holds several, all with the entry's sequence, which the reader hands out in
 * order. Use from one thread. A journal file it cannot read is a {@code CorruptStoreException},
 * whatever Chronicle threw.
 */
public final class JournalReader implements AutoCloseable {
    private final Journal journal;
    private final WriterTable writers;
    private final Deque<RawEvent> pending = new ArrayDeque<>();
    /** The legacy queue's tailer; null when there is none or it was read to its end. */
    private Cursor legacy;
    private final List<Cursor> cursors = new ArrayList<>();
    private final Set<Path> known = new HashSet<>();
    private int queuesListed = -1;
    /** The sequence the writer queues hand out next. */
    private long expected;

    JournalReader(Journal journal, WriterTable writers) {
        this.journal = journal;
        this.writers = writers;
        try {
            SingleChronicleQueue legacyQueue = journal.queues().legacy();
            legacy = legacyQueue == null ? null : new Cursor(legacyQueue, true);
            listQueues();
        } catch (RuntimeException | AssertionError e) {
            close();
            throw journal.damaged(e);
        }
        toStart();
    }

    public JournalReader toStart() {
        return guarded(() -> {
            pending.clear();
            if (legacy != null) {
                legacy.tailer.toStart();
                legacy.head = null;
                legacy.skipThrough = -1;
            }
            for (Cursor c : cursors) {
                c.tailer.toStart();
                c.head = null;
            }
            expected = writers.base();
        });
    }

    /** Positions the reader after the newest event: it reads what is appended from now on. */
    public JournalReader toEnd() {
        return guarded(() -> {
            pending.clear();
            closeLegacy();
            for (Cursor c : cursors) { // first the tailers, then the counter: whatever the tailers
                c.tailer.toEnd();      // passed over was claimed before it was read
                c.head = null;
            }
            expected = Math.max(writers.base(), writers.nextVolatile());
        });
    }

    /**
     * Positions the reader so that it reads the events after {@code sequence}, on to the newest:
     * every event with a larger sequence, none with a smaller or equal one.
     */
    public JournalReader positionAfter(long sequence) {
        return guarded(() -> {
            pending.clear();
            long base = writers.base();
            if (sequence + 1 >= base) {
                closeLegacy();
            } else if (legacy != null) {
                legacy.skipThrough = sequence;
                legacy.head = null;
                if (!legacy.tailer.moveToIndex(sequence)) {
                    legacy.tailer.toStart();
                }
            }
            expected = Math.max(base, sequence + 1);
            for (Cursor c : cursors) {
                c.seekBelow(expected);
            }
        });
    }

    /** The next event, or null when there is none yet. */
    public RawEvent next() {
        if (pending.isEmpty()) {
            try {
                fill();
            } catch (RuntimeException | AssertionError e) {
                throw journal.damaged(e);
            }
        }
        return pending.poll();
    }

    private void fill() {
        if (legacy != null) {
            List<RawEvent> entry = legacy.take();
            if (entry != null) {
                pending.addAll(entry);
                return;
            }
            closeLegacy(); // nobody appends to it any more: read to its end
        }
        while (true) {
            Cursor at = headAt(expected);
            if (at != null) {
                take(at);
                return;
            }
            long next = writers.nextVolatile();
            if (expected >= next) {
                return; // nothing claimed after what was read
            }
            long to = Math.min(next, lowestHead());
            if (writers.mayStillAppear(expected, to, journal.processes())) {
                return; // a live writer is appending it: wait
            }
            // no live writer holds a sequence in [expected, to): whatever of it is committed is in a
            // queue now (a new one, perhaps); what is not, never will be (its writer died)
            if (writers.queuesVolatile() != queuesListed) {
                listQueues();
            }
            at = headAt(expected);
            if (at != null) {
                take(at);
                return;
            }
            expected = Math.min(to, lowestHead());
        }
    }

    private Cursor headAt(long sequence) {
        for (Cursor c : cursors) {
            List<RawEvent> head = c.peek(sequence);
            if (head != null && head.get(0).sequence() == sequence) {
                return c;
            }
        }
        return null;
    }

    private long lowestHead() {
        long lowest = Long.MAX_VALUE;
        for (Cursor c : cursors) {
            List<RawEvent> head = c.peek(expected);
            if (head != null) {
                lowest = Math.min(lowest, head.get(0).sequence());
            }
        }
        return lowest;
    }

    private void take(Cursor c) {
        pending.addAll(c.head);
        c.head = null;
        expected++;
    }

    private void listQueues() {
        queuesListed = writers.queuesVolatile();
        for (Path dir : journal.queues().writerDirs()) {
            if (known.add(dir)) {
                Cursor c = new Cursor(journal.queues().queue(dir), false);
                cursors.add(c); // from its start: entries below the position are passed over
            }
        }
    }

    private void closeLegacy() {
        if (legacy != null) {
            legacy.tailer.close();
            legacy = null;
        }
    }

    private JournalReader guarded(Runnable move) {
        try {
            move.run();
        } catch (RuntimeException | AssertionError e) {
            throw journal.damaged(e);
        }
        return this;
    }

    @Override
    public void close() {
        closeLegacy();
        for (Cursor c : cursors) {
            c.tailer.close();
        }
    }

    /** One queue's tailer and the entry it read but has not handed out yet. */
    private static final class Cursor {
        final SingleChronicleQueue queue;
        final ExcerptTailer tailer;
        final boolean legacy;
        List<RawEvent> head;
        /** Legacy only: entries up to this sequence are passed over. */
        long skipThrough = -1;

        Cursor(SingleChronicleQueue queue, boolean legacy) {
            this.queue = queue;
            this.tailer = queue.createTailer();
            this.legacy = legacy;
        }

        /** The next entry whose sequence is at least {@code from} (older ones are passed over), or null. */
        List<RawEvent> peek(long from) {
            while (head == null || head.get(0).sequence() < from) {
                head = null;
                List<RawEvent> entry = new ArrayList<>(1);
                if (!EventLayout.readEntry(tailer, entry)) {
                    return null;
                }
                head = entry;
            }
            return head;
        }

        /** Legacy: the next entry past {@link #skipThrough}, taken, or null at the queue's end. */
        List<RawEvent> take() {
            List<RawEvent> entry = peek(skipThrough + 1);
            head = null;
            return entry;
        }

        void seekBelow(long sequence) {
            head = null;
            JournalQueues.seekBelow(queue, tailer, sequence);
        }
    }
}
