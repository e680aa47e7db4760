package dev.statestore.internal.near;

import dev.statestore.internal.files.DamagedLockState;
import dev.statestore.internal.platform.FileModes;

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

import static dev.statestore.internal.near.VersionLayout.*;

/**
 * Versions of a store's keys, in shared memory ({@code versions.tbl}, see {@link VersionLayout}):
 * what tells a near cache, in any process, that its copy of a value may be stale.
 *
 * <h2>Why per key, and why a table of its own</h2>
 * A near copy is only worth keeping while no write has changed its key. Tagging copies with a
 * version per stripe (one per Chronicle segment, 512 at 1M keys) made every write invalidate the
 * copies of ~2,000 keys: with 10 % writes spread over 1M keys, each stripe was bumped ~200 times
 * between two reads of a key, and no copy survived. Here each key has a counter of its own, or
 * shares one with the few keys whose hash has the same low bits: with two slots per entry the
 * store is sized for, a copy survives the writes to other keys with probability
 * e^(-writes/slots) (0.95 for 100k writes over 2M slots). Two keys sharing a slot only cost each
 * other misses.
 *
 * <h2>The protocol</h2>
 * <ul>
 *   <li><b>Writers</b>: every change of an entry, in any process, first {@link #bump bumps} its
 *   key's slot, while the writer holds the key's stripe, before the entry changes (the store's
 *   Chronicle entry operations do it, whichever path makes the change: {@code VersionBumps}). The
 *   bump is an atomic add with volatile semantics (a full fence): the entry's change cannot be
 *   seen before it.</li>
 *   <li><b>Changes of keys nobody can name</b> (a stripe taken over from a dead owner, Chronicle's
 *   full recovery at open) bump the {@link #bumpEpoch epoch}, which every tag includes.</li>
 *   <li><b>Near caches</b> tag a copy with {@link #tag} read while holding the key's stripe, just
 *   before reading the value from the map: no change of the key can come between the two. A read
 *   uses the copy only while {@link #tag} still equals the copy's tag. Both counters only grow, so
 *   their sum equals the tag only when neither moved.</li>
 * </ul>
 * So a read that returns a copy ran before the bump of any write of the key not reflected in the
 * copy, and that write had not returned when the read began: a read that starts after a write
 * returned, in any process, sees it. A writer killed after its bump leaves a slot no copy carries:
 * a miss, never a stale copy.
 */
public final class VersionTable implements AutoCloseable {
    public static final String FILE_NAME = "versions.tbl";
    /** What the file holds, for {@link DamagedLockState}. */
    private static final String HOLDS = "versions of keys for near caches";
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final MappedByteBuffer buffer;
    private final int slotsLog2;
    private final long mask;

    private VersionTable(MappedByteBuffer buffer, int slotsLog2) {
        this.buffer = buffer;
        this.slotsLog2 = slotsLog2;
        this.mask = (1L << slotsLog2) - 1;
    }

    /**
     * Maps the version table of a store, creating it (for a store sized for {@code entries}) when
     * missing, as a new store and a store made before per-key versions both find it. The caller
     * holds the store's creation lock, so concurrent openers in several JVMs create it once: it is
     * written whole under a temporary name and moved into place.
     */
    public static VersionTable openOrCreate(String store, Path storeDir, long entries, FileModes modes) throws IOException {
        Path file = storeDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            int log2 = slotsLog2For(entries);
            Path tmp = storeDir.resolve(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            modes.createFile(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                header.putLong(MAGIC_OFFSET, MAGIC).putInt(FORMAT_OFFSET, FORMAT).putInt(SLOTS_LOG2_OFFSET, log2);
                ch.write(header, 0);
                ch.write(ByteBuffer.allocate(1), fileSize(log2) - 1); // full length, zeroed (sparse)
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < HEADER_SIZE) {
                throw new DamagedLockState(store, file, "Store '" + store + "': version table " + file + " is truncated ("
                        + size + " bytes)", HOLDS);
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            int log2 = header.getInt(SLOTS_LOG2_OFFSET);
            if (header.getLong(MAGIC_OFFSET) != MAGIC || log2 < MIN_SLOTS_LOG2 || log2 > MAX_SLOTS_LOG2) {
                throw new DamagedLockState(store, file, "Store '" + store + "': " + file + " is not a statestore version table",
                        HOLDS);
            }
            if (header.getInt(FORMAT_OFFSET) != FORMAT) {
                throw new DamagedLockState(store, file, "Store '" + store + "': version table " + file + " has format "
                        + header.getInt(FORMAT_OFFSET) + ", this statestore reads format " + FORMAT, HOLDS);
            }
            if (size < fileSize(log2)) {
                throw new DamagedLockState(store, file, "Store '" + store + "': version table " + file + " is truncated ("
                        + size + " of " + fileSize(log2) + " bytes)", HOLDS);
            }
            return new VersionTable(ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize(log2)), log2);
        }
    }

    private int slotOffset(long hash) {
        return SLOTS_BASE + (int) ((hash & mask) << 3);
    }

    /**
     * The tag of the key with hash {@code hash} now: its slot's version plus the epoch, each read
     * with one acquire load (what a near cache does after them is ordered after them).
     */
    public long tag(long hash) {
        long slot = (long) LONGS.getAcquire(buffer, slotOffset(hash));
        return slot + (long) LONGS.getAcquire(buffer, EPOCH_OFFSET);
    }

    /**
     * Bumps the version of the key with hash {@code hash}: before any change of its entry, by the
     * holder of its stripe. An atomic add with volatile semantics: the change that follows cannot be
     * seen by any process before the new version is.
     */
    public void bump(long hash) {
        LONGS.getAndAdd(buffer, slotOffset(hash), 1L);
    }

    /** Bumps the epoch: every copy of every key misses; after changes whose keys are not known. */
    public void bumpEpoch() {
        LONGS.getAndAdd(buffer, EPOCH_OFFSET, 1L);
    }

    /** The epoch (tests). */
    public long epoch() {
        return (long) LONGS.getVolatile(buffer, EPOCH_OFFSET);
    }

    /** The version in the slot of {@code hash}, without the epoch (tests). */
    public long version(long hash) {
        return (long) LONGS.getVolatile(buffer, slotOffset(hash));
    }

    /** Slots in the table (a power of two). */
    public long slots() {
        return 1L << slotsLog2;
    }

    /** The sum of every slot's version (tests: what a set of changes bumped). */
    public long sum() {
        long sum = 0;
        for (long i = 0; i <= mask; i++) {
            sum += (long) LONGS.getVolatile(buffer, SLOTS_BASE + (int) (i << 3));
        }
        return sum;
    }

    @Override
    public void close() {
        // unmapped when collected
    }
}
