package dev.statestore.internal.lock;

import dev.statestore.StoreLockTimeoutException;
import dev.statestore.internal.platform.Backoff;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.files.DamagedLockState;
import dev.statestore.internal.files.ProcessTable;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static dev.statestore.internal.lock.StripeLayout.*;

/**
 * Lock striping across processes, robust to kill -9: one exclusive lock per Chronicle Map
 * segment, in a table mapped by every process attached to the store (see {@link StripeLayout}).
 *
 * <h2>Why our own locks in front of Chronicle's</h2>
 * Chronicle Map's segment locks live in the map file too, but record no owner: a process killed
 * while holding one leaves every other process blocked for {@code lockTimeoutSeconds} (60 s) and
 * then failing, and the only cure, {@code recoverPersistedTo}, needs every process stopped.
 * statestore takes the stripe of a key before any Chronicle operation on the key's segment and
 * releases it after, for reads and writes alike, so Chronicle's lock of segment {@code i} is only
 * ever taken by the owner of stripe {@code i}, always uncontended. The stripe's owner word says
 * who holds it: a slot of the process table and that slot's claim generation, so whoever waits
 * can tell a dead owner (its process gone, or its PID reused by another process) from a slow one.
 *
 * <h2>Taking over from a dead owner</h2>
 * A waiter checks the owner's liveness every {@value #CHECK_INTERVAL_MILLIS} ms. When the owner is
 * dead it swaps the owner word from the dead owner to itself (one waiter wins), and before going on
 * runs the {@link Repair}: since nobody but the dead owner could hold Chronicle's lock of that
 * segment, resetting it is safe; and the change the owner was making, whose journal sequence it
 * recorded in the stripe before committing the journal entry (and clears only as it releases the
 * stripe, once Chronicle has closed the operation), is finished from the journal, so the map and
 * the journal agree. Live processes are never disturbed: only a dead owner's stripe is
 * touched, and only by the one process that won it.
 *
 * <h2>Near caches</h2>
 * The versions near caches check are per key, in a table of their own ({@code near.VersionTable}).
 * A takeover's repair bumps that table's epoch before it changes anything (see {@code StoreOpener}).
 */
public final class StripeTable implements AutoCloseable {
    /** What the file holds, for {@link DamagedLockState}. */
    private static final String HOLDS = "which process holds which stripe";

    public static final String FILE_NAME = "stripes.tbl";
    /** How often a waiter checks whether the owner is alive. */
    public static final long CHECK_INTERVAL_MILLIS = 10;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Finishes what a dead owner of a stripe left half-done; runs while the caller owns the stripe. */
    @FunctionalInterface
    public interface Repair {
        /**
         * @param stripe the stripe taken over
         * @param inFlightSequence the journal sequence of the change the dead owner was making, or -1
         * @param ownerSlot the dead owner's slot in the process table (its journal queue's)
         */
        void repair(int stripe, long inFlightSequence, int ownerSlot);
    }

    private final String store;
    private final MappedByteBuffer buffer;
    private final int stripes;
    private final ProcessTable processes;
    private final int slot;
    private final long generation;
    private final long lockTimeoutNanos;
    private volatile Repair repair = (stripe, seq, owner) -> { };
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder takeovers = new LongAdder();

    private StripeTable(String store, MappedByteBuffer buffer, int stripes, ProcessTable processes, int slot,
                        long lockTimeoutNanos) {
        this.store = store;
        this.buffer = buffer;
        this.stripes = stripes;
        this.processes = processes;
        this.slot = slot;
        this.generation = processes.generation(slot);
        this.lockTimeoutNanos = lockTimeoutNanos;
    }

    /**
     * Maps the stripe table of a store, creating it with {@code stripes} stripes when missing. The
     * caller holds the store's creation lock.
     *
     * @param slot this attachment's slot in {@code processes}
     */
    public static StripeTable openOrCreate(String store, Path storeDir, int stripes, ProcessTable processes, int slot,
                                           long lockTimeoutMillis, FileModes modes) throws IOException {
        Path file = storeDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            Path tmp = storeDir.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            modes.createFile(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                header.putLong(MAGIC_OFFSET, MAGIC).putInt(FORMAT_OFFSET, FORMAT).putInt(STRIPES_OFFSET, stripes);
                ch.write(header, 0);
                ByteBuffer stripe = ByteBuffer.allocate(STRIPE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                stripe.putLong(IN_FLIGHT_OFFSET, NONE);
                for (int i = 0; i < stripes; i++) {
                    stripe.clear();
                    ch.write(stripe, stripeOffset(i));
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < HEADER_SIZE) {
                throw new DamagedLockState(store, file, "Store '" + store + "': lock table " + file + " is truncated", HOLDS);
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            if (header.getLong(MAGIC_OFFSET) != MAGIC || header.getInt(FORMAT_OFFSET) != FORMAT) {
                throw new DamagedLockState(store, file, "Store '" + store + "': " + file + " is not a statestore lock table of format "
                        + FORMAT, HOLDS);
            }
            int actual = header.getInt(STRIPES_OFFSET);
            if (actual != stripes) {
                throw new DamagedLockState(store, file, "Store '" + store + "': lock table " + file + " has " + actual
                        + " stripes but the map has " + stripes + " segments", HOLDS);
            }
            if (ch.size() < fileSize(stripes)) {
                throw new DamagedLockState(store, file, "Store '" + store + "': lock table " + file + " is truncated", HOLDS);
            }
            MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize(stripes));
            return new StripeTable(store, buffer, stripes, processes, slot, TimeUnit.MILLISECONDS.toNanos(lockTimeoutMillis));
        }
    }

    /** Sets what runs after a dead owner's stripe is taken over. */
    public void onTakeover(Repair repair) {
        this.repair = repair;
    }

    public int stripes() {
        return stripes;
    }

    private long me(StripeContext thread) {
        return owner(generation, slot, thread.threadNumber);
    }

    /**
     * Takes stripe {@code stripe} for this thread, waiting while a live owner holds it and taking it
     * over (with repair) from a dead one.
     *
     * @throws IllegalStateException when this thread already holds it (a store used from inside its own
     *     compute function)
     * @throws StoreLockTimeoutException when a live owner holds it past the lock timeout
     */
    public void lock(int stripe) {
        lock(stripe, StripeContext.current());
    }

    /**
     * Takes stripe {@code stripe} as {@link #lock(int)} does and marks it held in the thread's
     * {@link StripeContext} (one thread-local lookup for both), for one Chronicle operation on
     * the stripe's segment; release it with {@link #exit}.
     *
     * @return the thread's context, to hand to {@link #exit}
     */
    public StripeContext enter(int stripe) {
        StripeContext thread = StripeContext.current();
        lock(stripe, thread);
        thread.enter(this, stripe);
        return thread;
    }

    /**
     * Marks stripe {@code stripe}, which this thread already holds (taken with {@link #lock}), as
     * the stripe of the Chronicle operation it runs next, as {@link #enter} does for a stripe it
     * takes: the operation's journal events then carry the stripe and record their sequence in it
     * (multi-stripe holders, such as an atomic batch, evict this way). Undo with {@link #exitHeld}.
     *
     * @throws IllegalStateException when this thread does not hold the stripe
     */
    public StripeContext enterHeld(int stripe) {
        StripeContext thread = StripeContext.current();
        long owner = (long) LONGS.getOpaque(buffer, stripeOffset(stripe) + OWNER_OFFSET);
        if (owner != me(thread)) {
            throw new IllegalStateException("Store '" + store + "': stripe " + stripe + " is not held by this thread"
                    + " (owner word " + Long.toHexString(owner) + ")");
        }
        thread.enter(this, stripe);
        return thread;
    }

    /** Ends what {@link #enterHeld} began; the stripe stays held. */
    public void exitHeld(StripeContext thread) {
        thread.exit();
    }

    /** Releases the stripe {@code thread} entered last with {@link #enter}. */
    public void exit(StripeContext thread) {
        int stripe = thread.stripe();
        thread.exit();
        unlock(stripe, thread);
    }

    private void lock(int stripe, StripeContext thread) {
        int off = stripeOffset(stripe) + OWNER_OFFSET;
        long me = me(thread);
        if (LONGS.compareAndSet(buffer, off, FREE, me)) {
            return;
        }
        lockSlow(stripe, off, me);
    }

    private void lockSlow(int stripe, int off, long me) {
        long start = System.nanoTime();
        long nextCheck = start + TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS);
        for (int round = 0; ; ) {
            long current = (long) LONGS.getVolatile(buffer, off);
            if (current == me) {
                throw new IllegalStateException("Store '" + store + "': this thread already holds stripe " + stripe
                        + ": do not use the store from inside its own compute/merge functions");
            }
            if (current == FREE) {
                if (LONGS.compareAndSet(buffer, off, FREE, me)) {
                    waited(start);
                    return;
                }
                continue;
            }
            long now = System.nanoTime();
            if (now >= nextCheck) {
                nextCheck = now + TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MILLIS);
                if (!processes.isLive(slotOf(current), generationOf(current), GENERATION_BITS)
                        && LONGS.compareAndSet(buffer, off, current, me)) {
                    takeover(stripe, slotOf(current));
                    waited(start);
                    return;
                }
                if (now - start > lockTimeoutNanos) {
                    throw new StoreLockTimeoutException("Store '" + store + "': stripe " + stripe + " has been held for over "
                            + TimeUnit.NANOSECONDS.toMillis(now - start) + " ms by live process "
                            + processes.pid(slotOf(current)) + ": a long compute function, or a stopped process");
                }
            }
            round = Backoff.STRIPE.idle(round);
        }
    }

    private void takeover(int stripe, int deadSlot) {
        takeovers.increment();
        LONGS.getAndAdd(buffer, stripeOffset(stripe) + TAKEOVERS_OFFSET, 1L);
        long inFlight = (long) LONGS.getVolatile(buffer, stripeOffset(stripe) + IN_FLIGHT_OFFSET);
        repair.repair(stripe, inFlight, deadSlot);
        LONGS.setRelease(buffer, stripeOffset(stripe) + IN_FLIGHT_OFFSET, NONE);
    }

    private void waited(long start) {
        waits.increment();
        waitNanos.add(System.nanoTime() - start);
    }

    /** Releases a stripe this thread holds. */
    public void unlock(int stripe) {
        unlock(stripe, StripeContext.current());
    }

    /**
     * A plain release store, not a compare-and-swap: while this thread holds the stripe no other
     * thread or process writes its owner word (others swap it only from FREE, or from a dead
     * owner's value), so the check and the store need not be one atomic step; the release orders
     * every write made under the stripe before the word reads FREE.
     */
    private void unlock(int stripe, StripeContext thread) {
        int off = stripeOffset(stripe) + OWNER_OFFSET;
        long owner = (long) LONGS.getOpaque(buffer, off);
        if (owner != me(thread)) {
            throw new IllegalStateException("Store '" + store + "': stripe " + stripe + " was not held by this thread"
                    + " (owner word " + Long.toHexString(owner) + ")");
        }
        int inFlight = stripeOffset(stripe) + IN_FLIGHT_OFFSET;
        if ((long) LONGS.getOpaque(buffer, inFlight) != NONE) {
            // the operation is closed (Chronicle stored its entry's checksum): nothing left to finish
            LONGS.setRelease(buffer, inFlight, NONE);
        }
        LONGS.setRelease(buffer, off, FREE);
    }

    /** Records the journal sequence of the change this thread is making under {@code stripe} (-1: done). */
    public void inFlight(int stripe, long sequence) {
        LONGS.setRelease(buffer, stripeOffset(stripe) + IN_FLIGHT_OFFSET, sequence);
    }

    /**
     * Whether the sweeper found no entry with a deadline in {@code stripe}'s segment at its last
     * pass and nothing has written one there since: then there is nothing for it to expire.
     */
    public boolean holdsNoDeadlines(int stripe) {
        return (long) LONGS.getOpaque(buffer, stripeOffset(stripe) + DEADLINES_OFFSET) == NO_DEADLINES;
    }

    /** Records that {@code stripe}'s segment holds no entry with a deadline; the caller, the sweeper, holds the stripe. */
    public void noDeadlines(int stripe) {
        LONGS.setRelease(buffer, stripeOffset(stripe) + DEADLINES_OFFSET, NO_DEADLINES);
    }

    /**
     * Records that an entry with a deadline is being written to {@code stripe}'s segment; the
     * caller holds the stripe. Writes the shared word only when it says "none", so stores whose
     * entries all expire do not dirty it on every write.
     */
    public void deadlineWritten(int stripe) {
        int off = stripeOffset(stripe) + DEADLINES_OFFSET;
        if ((long) LONGS.getOpaque(buffer, off) == NO_DEADLINES) {
            LONGS.setRelease(buffer, off, MAY_HOLD_DEADLINES);
        }
    }

    /** How often this process had to wait for a stripe. */
    public long waits() {
        return waits.sum();
    }

    /** Total time this process waited for stripes, in nanoseconds. */
    public long waitNanos() {
        return waitNanos.sum();
    }

    /** Stripes this process took over from dead owners. */
    public long takeovers() {
        return takeovers.sum();
    }

    /** Stripes taken over from dead owners by any process, since the table was created. */
    public long takeoversAllProcesses() {
        long sum = 0;
        for (int i = 0; i < stripes; i++) {
            sum += (long) LONGS.getVolatile(buffer, stripeOffset(i) + TAKEOVERS_OFFSET);
        }
        return sum;
    }

    /** Takes over every stripe held by a dead process (what {@code recover} does); returns how many. */
    public int takeOverDeadOwners() {
        int taken = 0;
        long me = me(StripeContext.current());
        for (int stripe = 0; stripe < stripes; stripe++) {
            int off = stripeOffset(stripe) + OWNER_OFFSET;
            long current = (long) LONGS.getVolatile(buffer, off);
            if (current != FREE && current != me
                    && !processes.isLive(slotOf(current), generationOf(current), GENERATION_BITS)
                    && LONGS.compareAndSet(buffer, off, current, me)) {
                try {
                    takeover(stripe, slotOf(current));
                    taken++;
                } finally {
                    unlock(stripe);
                }
            }
        }
        return taken;
    }

    @Override
    public void close() {
        // unmapped when collected
    }
}
