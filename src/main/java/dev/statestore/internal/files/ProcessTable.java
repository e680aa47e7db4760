package dev.statestore.internal.files;

import dev.statestore.StateStoreException;
import dev.statestore.StoreInfo.AttachedProcess;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.platform.ProcessIdentity;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.statestore.internal.files.ProcessTableLayout.*;

/**
 * The processes attached to one store, in a small memory-mapped table shared by all of them (like
 * LMDB's reader table). Each attached {@code StateStore} owns one slot; a slot whose process died
 * is freed by whoever notices, so the table never fills with ghosts. See {@link ProcessTableLayout}.
 */
public final class ProcessTable implements AutoCloseable {
    /** What the file holds, for {@link DamagedLockState}. */
    private static final String HOLDS = "which processes are attached";

    public static final String FILE_NAME = "procs.tbl";

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final String store;
    private final Path file;
    private final MappedByteBuffer buffer;
    private final int slots;

    private ProcessTable(String store, Path file, MappedByteBuffer buffer, int slots) {
        this.store = store;
        this.file = file;
        this.buffer = buffer;
        this.slots = slots;
    }

    /**
     * Maps the table in {@code storeDir}, creating it when missing. The caller holds the store's
     * creation lock, so no two processes create it at once.
     */
    public static ProcessTable openOrCreate(String store, Path storeDir, FileModes modes) throws IOException {
        Path file = storeDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            create(storeDir, file, modes);
        }
        return map(store, file);
    }

    /** Maps an existing table, or returns null when the store has none. */
    public static ProcessTable openExisting(String store, Path storeDir) throws IOException {
        Path file = storeDir.resolve(FILE_NAME);
        return Files.exists(file) ? map(store, file) : null;
    }

    private static void create(Path storeDir, Path file, FileModes modes) throws IOException {
        Path tmp = storeDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            header.putLong(MAGIC_OFFSET, MAGIC).putInt(FORMAT_OFFSET, FORMAT)
                    .putInt(SLOTS_OFFSET, DEFAULT_SLOTS).putInt(SLOT_SIZE_OFFSET, SLOT_SIZE);
            ch.write(header, 0);
            ch.write(ByteBuffer.allocate(1), fileSize(DEFAULT_SLOTS) - 1); // full length, zeroed
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ProcessTable map(String store, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < HEADER_SIZE) {
                throw new DamagedLockState(store, file, "Store '" + store + "': process table " + file + " is truncated ("
                        + size + " bytes)", HOLDS);
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, 0);
            int slots = header.getInt(SLOTS_OFFSET);
            if (header.getLong(MAGIC_OFFSET) != MAGIC || header.getInt(SLOT_SIZE_OFFSET) != SLOT_SIZE
                    || slots < 1 || slots > 1 << 20) {
                throw new DamagedLockState(store, file, "Store '" + store + "': " + file + " is not a statestore process table", HOLDS);
            }
            if (header.getInt(FORMAT_OFFSET) != FORMAT) {
                throw new DamagedLockState(store, file, "Store '" + store + "': process table " + file + " has format "
                        + header.getInt(FORMAT_OFFSET) + ", expected " + FORMAT, HOLDS);
            }
            if (size < fileSize(slots)) {
                throw new DamagedLockState(store, file, "Store '" + store + "': process table " + file + " is truncated ("
                        + size + " of " + fileSize(slots) + " bytes)", HOLDS);
            }
            MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize(slots));
            return new ProcessTable(store, file, buffer, slots);
        }
    }

    /** Claims a slot for this process; frees the slots of dead processes if the table is full. */
    public int claim() {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int slot = 0; slot < slots; slot++) {
                int off = slotOffset(slot);
                long word = (long) LONGS.getVolatile(buffer, off + OWNER_OFFSET);
                if (pidOf(word) == 0) {
                    long mine = ownerWord(generationOf(word) + 1, ProcessIdentity.pid());
                    if (LONGS.compareAndSet(buffer, off + OWNER_OFFSET, word, mine | STARTING)) {
                        buffer.putLong(off + START_MILLIS_OFFSET, ProcessIdentity.startMillis());
                        buffer.putLong(off + ATTACH_MILLIS_OFFSET, System.currentTimeMillis());
                        byte[] host = ProcessIdentity.host().getBytes(StandardCharsets.UTF_8);
                        int n = Math.min(host.length, HOST_MAX);
                        buffer.put(off + HOST_OFFSET, host, 0, n);
                        buffer.putInt(off + HOST_LENGTH_OFFSET, n);
                        LONGS.setRelease(buffer, off + OWNER_OFFSET, mine); // the start time is there now
                        return slot;
                    }
                }
            }
            reapDead();
        }
        throw new StateStoreException("Store '" + store + "': all " + slots + " process slots in " + file
                + " are held by live processes: close StateStore instances you no longer use");
    }

    /** The start time recorded for the owner {@code word} of the slot at {@code off}; 0 (unknown) while it is being claimed. */
    private long startMillis(int off, long word) {
        return starting(word) ? 0 : buffer.getLong(off + START_MILLIS_OFFSET);
    }

    /** How many slots the table has. */
    public int slots() {
        return slots;
    }

    /** The generation of a slot's current claim (changes each time the slot is claimed). */
    public long generation(int slot) {
        return generationOf((long) LONGS.getVolatile(buffer, slotOffset(slot) + OWNER_OFFSET));
    }

    /**
     * Whether the claim {@code (slot, generation)} still belongs to a live process. A claim whose
     * process died is reaped on the way (and counted in {@link #crashes()}).
     *
     * @param generationBits how many low bits of the generation the caller kept
     */
    public boolean isLive(int slot, long generation, int generationBits) {
        if (slot < 0 || slot >= slots) {
            return false;
        }
        int off = slotOffset(slot);
        long word = (long) LONGS.getVolatile(buffer, off + OWNER_OFFSET);
        long mask = (1L << generationBits) - 1;
        long pid = pidOf(word);
        if (pid == 0 || (generationOf(word) & mask) != (generation & mask)) {
            return false;
        }
        if (ProcessIdentity.isAlive(pid, startMillis(off, word))) {
            return true;
        }
        if (LONGS.compareAndSet(buffer, off + OWNER_OFFSET, word, ownerWord(generationOf(word), 0))) {
            LONGS.getAndAdd(buffer, CRASHES_OFFSET, 1L);
        }
        return false;
    }

    /** The PID recorded in a slot (0 when free). */
    public long pid(int slot) {
        return pidOf((long) LONGS.getVolatile(buffer, slotOffset(slot) + OWNER_OFFSET));
    }

    /** Frees a slot this process claimed. */
    public void release(int slot) {
        int off = slotOffset(slot);
        long word = (long) LONGS.getVolatile(buffer, off + OWNER_OFFSET);
        if (pidOf(word) == ProcessIdentity.pid()) {
            LONGS.compareAndSet(buffer, off + OWNER_OFFSET, word, ownerWord(generationOf(word), 0));
        }
    }

    /** Frees the slots of processes that are no longer running; returns how many. */
    public int reapDead() {
        int reaped = 0;
        for (int slot = 0; slot < slots; slot++) {
            int off = slotOffset(slot);
            long word = (long) LONGS.getVolatile(buffer, off + OWNER_OFFSET);
            long pid = pidOf(word);
            if (pid != 0 && !ProcessIdentity.isAlive(pid, startMillis(off, word))
                    && LONGS.compareAndSet(buffer, off + OWNER_OFFSET, word, ownerWord(generationOf(word), 0))) {
                LONGS.getAndAdd(buffer, CRASHES_OFFSET, 1L);
                reaped++;
            }
        }
        return reaped;
    }

    /**
     * How many processes died while attached (their slots were reaped), counted since the table
     * was created. Compared with {@link #recoveredCrashes()} to tell whether a crash has not been
     * repaired yet.
     */
    public long crashes() {
        return (long) LONGS.getVolatile(buffer, CRASHES_OFFSET);
    }

    /** The value of {@link #crashes()} the last repair covered. */
    public long recoveredCrashes() {
        return (long) LONGS.getVolatile(buffer, RECOVERED_OFFSET);
    }

    /** Records that a repair covered every crash up to {@code crashes}. */
    public void markRecovered(long crashes) {
        LONGS.setVolatile(buffer, RECOVERED_OFFSET, crashes);
    }

    /** The live processes attached, after freeing the slots of dead ones. */
    public List<AttachedProcess> live() {
        reapDead();
        List<AttachedProcess> live = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            int off = slotOffset(slot);
            long pid = pidOf((long) LONGS.getVolatile(buffer, off + OWNER_OFFSET));
            if (pid != 0) {
                int n = Math.max(0, Math.min(buffer.getInt(off + HOST_LENGTH_OFFSET), HOST_MAX));
                byte[] host = new byte[n];
                buffer.get(off + HOST_OFFSET, host);
                live.add(new AttachedProcess(pid, Instant.ofEpochMilli(buffer.getLong(off + START_MILLIS_OFFSET)),
                        new String(host, StandardCharsets.UTF_8), Instant.ofEpochMilli(buffer.getLong(off + ATTACH_MILLIS_OFFSET))));
            }
        }
        return live;
    }

    @Override
    public void close() {
        // A MappedByteBuffer is unmapped when collected; nothing else is held open.
    }
}
