package dev.statestore.internal.journal;

import dev.statestore.CorruptStoreException;
import dev.statestore.DiskFullException;
import dev.statestore.internal.chronicle.ChronicleErrors;
import dev.statestore.internal.chronicle.FileSpace;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The journal's files on disk: their blocks reserved ahead of the writers, so that a full disk is a
 * refused append and never a fault of the mapping, and their mode (Chronicle Queue makes its files
 * with the process umask). One per {@link Journal}; the appenders of every thread share it.
 */
final class JournalSpace {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSpace.class);

    /**
     * How far ahead of the writers the current cycle file's blocks are reserved on disk. Chronicle
     * Queue grows its files sparsely and writes them through a mapping, where a full disk is a
     * SIGBUS (an {@link InternalError} in some later instruction) instead of an error; with the
     * blocks reserved ({@link FileSpace}), a full disk shows as a failed reservation instead, while
     * at least half of this (the largest event, {@link Journal#MAX_EVENT_BYTES}) is still reserved for the
     * next appends.
     */
    static final long RESERVE_AHEAD = 16L << 20;
    private final Object reserveLock = new Object();
    /** The cycle whose file is reserved, and given the store's file mode; guarded by {@link #reserveLock}. */
    private int reservedCycle = Integer.MIN_VALUE;
    /** The end of the reserved blocks of {@link #reservedCycle}'s file; written under {@link #reserveLock}. */
    private volatile long reservedEnd;
    /** Where this process's last append ended in the current cycle file. */
    private volatile long lastEnd;
    /** Whether the last reservation failed: appends then must fit in what is reserved, or are refused. */
    private volatile boolean reserveFailed;

    /** The cycle file appends go to, and the one before it (until a flush has forced it once more). */
    private volatile Path currentFile;
    private volatile Path previousFile;

    private final String store;
    private final Path dir;
    private final FileModes modes;

    JournalSpace(String store, Path dir, FileModes modes) {
        this.store = store;
        this.dir = dir;
        this.modes = modes;
    }

    /**
     * Before an append of {@code bytes}: when the last reservation failed (a full disk), tries it
     * again, and refuses the append, before anything is written, unless it fits in what is reserved.
     */
    void checkRoom(ExcerptAppender appender, long bytes) {
        if (appender.queue().time().currentTimeMillis() >= nextCycleAt) {
            checkRoomForNewCycle(appender, bytes);
        }
        if (!reserveFailed) {
            return;
        }
        reserve(appender, lastEnd);
        if (reserveFailed && lastEnd + bytes + ROOM_FOR_HEADERS > reservedEnd) {
            long usable = ChronicleErrors.usableBytes(dir);
            throw new DiskFullException("Store '" + store + "': the disk of " + dir + " is full (" + usable + " bytes"
                    + " usable): the change was not made; free space on that file system and it works again (to keep"
                    + " the journal smaller from then on, set the store's journalRetention / journalRetentionBytes:"
                    + " each checkpoint deletes the cycles they allow)", dir, usable, null);
        }
    }

    /**
     * When the queue's clock reaches this, the next append may roll into a new cycle; 0 until the
     * first append. Read on every append: one clock read and a compare.
     */
    private volatile long nextCycleAt;

    /**
     * Room a new cycle file needs before its first event: Chronicle Queue makes the file inside the
     * append that rolls, and writes its header and first index pages through the mapping before the
     * journal can reserve the file's blocks ({@link #appended}).
     */
    static final long NEW_CYCLE_ROOM = 1L << 20;

    /**
     * Before an append that may make a new cycle file (the cycle by the clock is not the one whose
     * file is reserved): refuses it, before anything is made, when the disk has not the room a new
     * file needs; a file made on a full disk faults in Chronicle's own header write and is left
     * unreadable. Once the current cycle's file is reserved, notes when the next cycle starts.
     */
    private void checkRoomForNewCycle(ExcerptAppender appender, long bytes) {
        net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue =
                (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue) appender.queue();
        int cycle = queue.cycle();
        if (cycle == reservedCycle) {
            nextCycleAt = (cycle + 1L) * queue.rollCycle().lengthInMillis() + queue.epoch();
            return;
        }
        long usable = ChronicleErrors.usableBytes(dir);
        if (usable >= 0 && usable < NEW_CYCLE_ROOM + bytes) {
            throw new DiskFullException("Store '" + store + "': the disk of " + dir + " is full (" + usable + " bytes"
                    + " usable, a new journal file needs " + (NEW_CYCLE_ROOM + bytes) + "): the change was not made; free"
                    + " space on that file system and it works again", dir, usable, null);
        }
    }

    /** Room for the queue's own headers and index entries beside an event. */
    private static final long ROOM_FOR_HEADERS = 64 << 10;

    /**
     * After an append that ended at {@code end} in its cycle file: reserves the file's blocks ahead
     * when the writers came near the end of the reservation, and, once per cycle, gives the file the
     * store's file mode (Chronicle Queue makes it with the process umask).
     */
    void appended(ExcerptAppender appender, long end) {
        lastEnd = end;
        if (appender.cycle() != reservedCycle || end + RESERVE_AHEAD / 2 > reservedEnd) {
            reserve(appender, end);
        }
    }

    private void reserve(ExcerptAppender appender, long end) {
        java.io.File file = appender.currentFile();
        if (file == null) {
            return;
        }
        synchronized (reserveLock) {
            int cycle = appender.cycle();
            if (cycle != reservedCycle) {
                modes.restrict(file.toPath());
                reservedCycle = cycle;
                reservedEnd = 0;
                previousFile = currentFile;
                currentFile = file.toPath();
            }
            if (!reserveFailed && end + RESERVE_AHEAD / 2 <= reservedEnd) {
                return;
            }
            IOException failed = null;
            for (long ahead = RESERVE_AHEAD; ahead >= RESERVE_AHEAD / 16; ahead /= 4) { // less, as the disk fills
                long to = Math.max(end + ahead, reservedEnd);
                try {
                    FileSpace.reserve(file.toPath(), reservedEnd, to - reservedEnd);
                    reservedEnd = to;
                    failed = null;
                    break;
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (failed == null) {
                if (reserveFailed) {
                    LOG.info("store '{}': the journal's disk has room again", store);
                }
                reserveFailed = false;
            } else {
                if (!reserveFailed) {
                    LOG.warn("store '{}': cannot reserve journal space in {} ({}; {} bytes usable): changes that do not fit"
                            + " in what is reserved are refused until space is freed", store, file, failed.getMessage(),
                            ChronicleErrors.usableBytes(dir));
                }
                reserveFailed = true;
            }
        }
    }

    /** Gives every file of one queue of the journal (cycles, the queue's metadata) the store's file mode. */
    void restrictAll(Path queueDir) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(queueDir)) {
            files.filter(java.nio.file.Files::isRegularFile).forEach(modes::restrict);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A fault of the memory mapping under an append (the JVM's {@link InternalError} for a SIGBUS:
     * a page the file system could not back, or a file truncated under this process) as a typed
     * error; the half-written entry was rolled back.
     */
    /**
     * Forces the current cycle file's written pages to disk (and the previous cycle's, once, after a
     * roll): an {@code fsync} of the file, which writes back the pages dirtied through the mapping.
     */
    void force() throws IOException {
        Path previous = previousFile;
        if (previous != null) {
            forceFile(previous);
            previousFile = null;
        }
        Path current = currentFile;
        if (current != null) {
            forceFile(current);
        }
    }

    private static void forceFile(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (java.nio.file.NoSuchFileException e) {
            // deleted by retention meanwhile: nothing left to force
        }
    }

    RuntimeException faulted(InternalError e) {
        long usable = ChronicleErrors.usableBytes(dir);
        if (usable >= 0 && usable < RESERVE_AHEAD) {
            return new DiskFullException("Store '" + store + "': the disk of " + dir + " is full (" + usable + " bytes"
                    + " usable): the change was not made; free space on that file system and it works again", dir, usable, e);
        }
        return new CorruptStoreException("Store '" + store + "': a journal file in " + dir + " failed under this process"
                + " (truncated or replaced?): the change was not made; with no process using the store, run"
                + " 'statestore verify " + store + "'", e);
    }
}
