package dev.statestore.internal.journal;

import dev.statestore.internal.files.DamagedLockState;
import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.platform.ProcessIdentity;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

import static dev.statestore.internal.journal.WriterLayout.*;

/**
 * One sequence for a journal written by many processes (see {@link WriterLayout}).
 *
 * <h2>Why</h2>
 * Every attached process appends to a Chronicle Queue of its own ({@code journal/w<slot>/}), so
 * writers in different processes never wait for each other's queue lock; yet every reader sees one
 * total order, by a store-wide sequence each event carries. The sequence is claimed with one atomic
 * add on the counter here (as a producer claims its slot in the LMAX Disruptor), while the writer
 * holds the changed key's stripe and its own queue's lock: per key, the sequence order is the
 * map's order, and per queue it is the order of the queue's entries.
 *
 * <h2>Gaps, and why no reader waits on a dead writer</h2>
 * Readers merge the queues by sequence and wait for the next one. A claimed sequence is missing
 * from every queue only while its writer is between the claim and the commit, which the writer's
 * slot says ({@code CLAIMING}, or the sequence itself), with the generation of the process that
 * owns the slot. {@link #mayStillAppear} tells a reader whether a missing sequence can still come:
 * only while a live process's slot claims it (or is taking a sequence it has not recorded yet).
 * A writer killed between its claim and its commit leaves a sequence that never appears (Chronicle
 * Queue closes off the uncommitted entry as padding): once its process is dead, readers pass over
 * the sequence, and the stripe's takeover finds no committed event to finish, so the change did
 * not happen anywhere.
 */
final class WriterTable {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** What the file holds, for {@link DamagedLockState}. */
    private static final String HOLDS = "the journal's sequence";
    static final String FILE_NAME = "writers.tbl";
    /** The bits of a process slot's claim generation (procs.tbl keeps 32). */
    private static final int GENERATION_BITS = 32;

    private final MappedByteBuffer buffer;
    private final int slots;

    private WriterTable(MappedByteBuffer buffer, int slots) {
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.buffer = buffer;
        this.slots = slots;
    }

    /** Where a table made now starts: the writer queues' base and the next sequence to claim. */
    record Start(long base, long next) {
    }

    /**
     * Maps the writer table of a journal, creating it when missing as {@code start} says (evaluated
     * only then). Several processes may create it at once: each writes a file of its own and
     * renames it into place unless one already is.
     */
    static WriterTable openOrCreate(String store, Path journalDir, int slots, Supplier<Start> start, FileModes modes)
            throws IOException {
        Path file = journalDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            Path tmp = journalDir.resolve(FILE_NAME + "." + ProcessIdentity.pid() + ".tmp");
            Files.deleteIfExists(tmp);
            modes.createFile(tmp);
            Start first = start.get();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer header = ByteBuffer.allocate(SLOTS_START).order(ByteOrder.LITTLE_ENDIAN);
                header.putLong(MAGIC_OFFSET, MAGIC).putInt(FORMAT_OFFSET, FORMAT).putInt(SLOTS_OFFSET, slots)
                        .putLong(BASE_OFFSET, first.base()).putLong(COUNTER_OFFSET, first.next());
                ch.write(header, 0);
                ByteBuffer slot = ByteBuffer.allocate(SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                slot.putLong(CLAIM_OFFSET, IDLE);
                for (int i = 0; i < slots; i++) {
                    slot.clear();
                    ch.write(slot, slotOffset(i));
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp); // another process made it first: use that one
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.size() < SLOTS_START || ch.read(header, 0) < HEADER_SIZE || header.getLong(MAGIC_OFFSET) != MAGIC
                    || header.getInt(FORMAT_OFFSET) != FORMAT) {
                throw new DamagedLockState(store, file, "Store '" + store + "': " + file + " is not a statestore"
                        + " journal writer table of format " + FORMAT, HOLDS);
            }
            int actual = header.getInt(SLOTS_OFFSET);
            if (actual != slots || ch.size() < fileSize(slots)) {
                throw new DamagedLockState(store, file, "Store '" + store + "': journal writer table " + file + " has "
                        + actual + " slots in " + ch.size() + " bytes, the process table " + slots, HOLDS);
            }
            return new WriterTable(ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize(slots)), slots);
        }
    }

    /** The first sequence of the writer queues: every older event is in the journal's first (single) queue. */
    long base() {
        return buffer.getLong(BASE_OFFSET);
    }

    /** The next sequence to be claimed: every smaller one is claimed. */
    long nextVolatile() {
        return (long) LONGS.getVolatile(buffer, COUNTER_OFFSET);
    }

    /** How many writer queues were created (readers list the directory again when it changed). */
    int queuesVolatile() {
        return (int) INTS.getVolatile(buffer, QUEUES_OFFSET);
    }

    /** Counts a writer queue just created, after its directory exists. */
    void queueCreated() {
        INTS.getAndAdd(buffer, QUEUES_OFFSET, 1);
    }

    /** Takes slot {@code slot} for this process (its claim generation), idle. */
    void attach(int slot, long generation) {
        int off = slotOffset(slot);
        LONGS.setRelease(buffer, off + GENERATION_OFFSET, generation);
        LONGS.setRelease(buffer, off + CLAIM_OFFSET, IDLE);
        for (int used; (used = (int) INTS.getVolatile(buffer, USED_OFFSET)) <= slot; ) {
            if (INTS.compareAndSet(buffer, USED_OFFSET, used, slot + 1)) {
                break;
            }
        }
    }

    /**
     * Claims the next sequence for slot {@code slot}; the caller holds its queue's write lock and
     * records the sequence with {@link #claimed} before it writes the event.
     */
    long claim(int slot) {
        LONGS.setRelease(buffer, slotOffset(slot) + CLAIM_OFFSET, CLAIMING); // ordered before the add that follows
        return (long) LONGS.getAndAdd(buffer, COUNTER_OFFSET, 1L);
    }

    void claimed(int slot, long sequence) {
        LONGS.setRelease(buffer, slotOffset(slot) + CLAIM_OFFSET, sequence);
    }

    /** The slot's claim is committed (or rolled back): after the queue's entry is. */
    void idle(int slot) {
        LONGS.setRelease(buffer, slotOffset(slot) + CLAIM_OFFSET, IDLE);
    }

    /**
     * Whether an event with a sequence in {@code [from, to)} may still be committed by a live
     * writer: one whose slot claims a sequence in that range or is taking one. The caller read the
     * queues before calling; if this returns false, what they lack of that range after it reads them
     * again never comes.
     */
    boolean mayStillAppear(long from, long to, ProcessTable processes) {
        int used = Math.min(slots, (int) INTS.getVolatile(buffer, USED_OFFSET));
        for (int slot = 0; slot < used; slot++) {
            int off = slotOffset(slot);
            long claim = (long) LONGS.getVolatile(buffer, off + CLAIM_OFFSET);
            if (claim == IDLE || (claim != CLAIMING && (claim < from || claim >= to))) {
                continue;
            }
            if (processes.isLive(slot, buffer.getLong(off + GENERATION_OFFSET), GENERATION_BITS)) {
                return true;
            }
        }
        return false;
    }
}
