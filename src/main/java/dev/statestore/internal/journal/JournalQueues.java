package dev.statestore.internal.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The Chronicle Queues of one journal directory, opened on first use and kept until the journal
 * closes:
 * <pre>
 *  journal/
 *    writers.tbl        the sequence counter and each writer's claim (WriterTable)
 *    w0/ w1/ ...        one queue per process slot that ever appended: version 3 events, each
 *                       carrying its sequence, in sequence order within the queue
 *    *.cq4 (legacy)     the single queue every process appended to before (events of layout 1
 *                       and 2, whose sequence is their Chronicle index); read, never written again;
 *                       every sequence in it is below the writer table's base
 * </pre>
 * Also what every queue answers alike: its cycle files, whether each can be read, and where in it a
 * sequence is (a binary search: its events are in sequence order).
 */
final class JournalQueues implements AutoCloseable {
    static final String WRITER_PREFIX = "w";

    private final Path dir;
    /** Builds a queue; called only when one is opened (a method reference would load Chronicle's classes at once). */
    private final Journal journal;
    private final Map<Path, SingleChronicleQueue> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    JournalQueues(Path dir, Journal journal) {
        this.dir = dir;
        this.journal = journal;
    }

    /** The queue of process slot {@code slot}'s writer. */
    static Path writerDir(Path journalDir, int slot) {
        return journalDir.resolve(WRITER_PREFIX + slot);
    }

    /** The queue in {@code queueDir}, opened (and created) if this journal has not yet. */
    SingleChronicleQueue queue(Path queueDir) {
        SingleChronicleQueue q = open.get(queueDir);
        if (q != null) {
            return q;
        }
        synchronized (open) {
            if (closed) {
                throw new IllegalStateException("journal " + dir + " is closed");
            }
            return open.computeIfAbsent(queueDir, d -> journal.buildQueue(d));
        }
    }

    /** The legacy single queue, or null when the journal has none (every journal made since has none). */
    SingleChronicleQueue legacy() {
        return hasCycleFiles(dir) ? queue(dir) : null;
    }

    /** The writer queues' directories that exist now, in slot order. */
    List<Path> writerDirs() {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> isWriterDir(p.getFileName().toString()) && Files.isDirectory(p)).forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirs.sort((a, b) -> Integer.compare(slotOf(a), slotOf(b)));
        return dirs;
    }

    /** Every queue with files: the legacy one first, if any, then the writers'. */
    List<SingleChronicleQueue> all() {
        List<SingleChronicleQueue> all = new ArrayList<>();
        SingleChronicleQueue legacy = legacy();
        if (legacy != null) {
            all.add(legacy);
        }
        for (Path w : writerDirs()) {
            all.add(queue(w));
        }
        return all;
    }

    private static boolean isWriterDir(String name) {
        if (name.length() < 2 || !name.startsWith(WRITER_PREFIX)) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return name.length() < 8;
    }

    private static int slotOf(Path writerDir) {
        return Integer.parseInt(writerDir.getFileName().toString().substring(WRITER_PREFIX.length()));
    }

    static boolean hasCycleFiles(Path queueDir) {
        if (!Files.isDirectory(queueDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- one queue's files

    /** The file of {@code cycle}, named as Chronicle names it (UTC, the roll cycle's format). */
    static Path cycleFile(SingleChronicleQueue queue, long cycle) {
        RollCycle rollCycle = queue.rollCycle();
        DateTimeFormatter names = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        return queue.file().toPath().resolve(names.format(Instant.ofEpochMilli(cycle * rollCycle.lengthInMillis()))
                + SingleChronicleQueue.SUFFIX);
    }

    /** The queue's cycles that have a file, oldest first. */
    static NavigableSet<Long> cycles(SingleChronicleQueue queue) {
        if (queue.firstCycle() == Integer.MAX_VALUE) {
            return new java.util.TreeSet<>();
        }
        return queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle());
    }

    /**
     * Throws (Chronicle's exception, or a {@link StreamCorruptedException}) when a cycle file of the
     * queue cannot be acquired: garbage where its header should be.
     */
    static void checkCycles(SingleChronicleQueue queue) throws Exception {
        for (long cycle : cycles(queue)) {
            if (!Files.exists(cycleFile(queue, cycle))) {
                continue; // deleted by retention since the directory was listed
            }
            try (SingleChronicleQueueStore acquired = queue.storeForCycle((int) cycle, queue.epoch(), false, null)) {
                if (acquired == null) { // its header never became ready within the queue's timeout
                    throw new StreamCorruptedException("cycle file " + cycleFile(queue, cycle) + " has no readable header");
                }
            }
        }
    }

    /** Files Chronicle set aside as unreadable ({@code *.discard}) anywhere in the journal. */
    java.util.Optional<Path> discarded() {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SingleChronicleQueue.DISCARD_FILE_SUFFIX))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves {@code tailer} so that the entry it reads next is the last one whose sequence is below
     * {@code sequence} (or, when none is, the queue's first): every entry from {@code sequence} on
     * follows. The queue's entries are in sequence order, so this is a binary search over the
     * cycles and, in one cycle, over its Chronicle indices.
     */
    static void seekBelow(SingleChronicleQueue queue, ExcerptTailer tailer, long sequence) {
        RollCycle rollCycle = queue.rollCycle();
        long found = -1;
        for (long cycle : cycles(queue).descendingSet()) {
            long count = tailer.excerptsInCycle((int) cycle);
            if (count <= 0) {
                continue;
            }
            long first = sequenceAt(tailer, rollCycle.toIndex((int) cycle, 0));
            if (first < 0 || first >= sequence) {
                continue; // the whole cycle is at or past the sequence: look in older ones
            }
            long lo = 0; // below the sequence
            long hi = count; // at or past it (or the cycle's end)
            while (hi - lo > 1) {
                long mid = (lo + hi) >>> 1;
                long s = sequenceAt(tailer, rollCycle.toIndex((int) cycle, mid));
                if (s >= 0 && s < sequence) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found = rollCycle.toIndex((int) cycle, lo);
            break;
        }
        if (found < 0 || !tailer.moveToIndex(found)) {
            tailer.toStart();
        }
    }

    /** The sequence of the entry at Chronicle index {@code index}, or -1 when there is none; moves the tailer. */
    static long sequenceAt(ExcerptTailer tailer, long index) {
        if (!tailer.moveToIndex(index)) {
            return -1;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent() || dc.isMetaData()) {
                return -1;
            }
            return EventLayout.decode(dc.index(), dc.wire().bytes()).sequence();
        }
    }

    /** The sequence of the last entry of {@code cycle}, or -1 when it has none; moves the tailer. */
    static long lastSequenceOf(SingleChronicleQueue queue, ExcerptTailer tailer, long cycle) {
        long count = tailer.excerptsInCycle((int) cycle);
        return count <= 0 ? -1 : sequenceAt(tailer, queue.rollCycle().toIndex((int) cycle, count - 1));
    }

    /**
     * The entries of {@code queue} after {@code position}: for the legacy queue, whose sequences
     * are Chronicle indices, counted per cycle (indices are not contiguous across cycles); for a
     * writer queue, whose sequences are all past a legacy position, every entry.
     */
    static long entriesAfter(SingleChronicleQueue queue, long position, boolean legacy) {
        long first = queue.firstIndex();
        if (first == Long.MAX_VALUE) {
            return 0;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toEnd();
            long end = tailer.index(); // the index the next entry will have
            if (!legacy || position < first) {
                return queue.countExcerpts(first, end);
            }
            return Math.max(0, queue.countExcerpts(position, end) - 1);
        } catch (IllegalStateException e) { // a cycle file went away while counting (retention)
            return 0;
        }
    }

    /** Whether any queue was opened. */
    boolean anyOpened() {
        return !open.isEmpty();
    }

    @Override
    public void close() {
        synchronized (open) {
            closed = true;
            for (SingleChronicleQueue q : open.values()) {
                q.close();
            }
            open.clear();
        }
    }
}
