package dev.statestore.internal.files;

/**
 * Offsets of the process table file ({@code procs.tbl}), one per store: which processes are
 * attached to the store. Every field is little-endian; words that other processes change are
 * 8-byte aligned and accessed atomically.
 *
 * <pre>
 *  header (64 bytes)
 *  0        8          12         16         24             32              40     64
 *  +--------+----------+----------+----------+--------------+---------------+------+
 *  | magic  | format   | slots    | slot size| crashes      | recovered     | rsvd |
 *  |        |          |          | (+pad)   | (dead reaped)| (crashes seen |      |
 *  |        |          |          |          |              |  by recovery) |      |
 *  +--------+----------+----------+----------+--------------+---------------+------+
 *  slot i at HEADER_SIZE + i * SLOT_SIZE (128 bytes)
 *  0                 8             16             24        28                 128
 *  +-----------------+-------------+--------------+---------+------------------+
 *  | owner word      | start millis| attach millis| host len| host (UTF-8)     |
 *  | gen<<32 | pid   |             |              |         |                  |
 *  +-----------------+-------------+--------------+---------+------------------+
 * </pre>
 *
 * The owner word is claimed by compare-and-set from {@code gen<<32 | 0} to
 * {@code (gen+1)<<32 | STARTING | pid}, and once the claimer has written its start time (and the
 * rest of the slot), set to {@code (gen+1)<<32 | pid}; it is freed by setting the pid half back to
 * 0. The generation makes a stale reaper's compare-and-set fail even if the same PID claims the
 * slot again. While {@link #STARTING} is set the start time is the previous claimer's, so whoever
 * checks the owner's liveness then checks its PID alone (it is the claimer's own, alive as it
 * claims); without the flag, a check between the claim and the start time's write compared the
 * new PID with the old start time and reaped a live process.
 */
final class ProcessTableLayout {
    static final long MAGIC = 0x0053434f52505353L; // "SSPROCS\0" read as a little-endian long
    static final int FORMAT = 1;

    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_OFFSET = 8;
    static final int SLOTS_OFFSET = 12;
    static final int SLOT_SIZE_OFFSET = 16;
    static final int CRASHES_OFFSET = 24;
    static final int RECOVERED_OFFSET = 32;
    static final int HEADER_SIZE = 64;

    static final int SLOT_SIZE = 128;
    static final int OWNER_OFFSET = 0;
    static final int START_MILLIS_OFFSET = 8;
    static final int ATTACH_MILLIS_OFFSET = 16;
    static final int HOST_LENGTH_OFFSET = 24;
    static final int HOST_OFFSET = 28;
    static final int HOST_MAX = SLOT_SIZE - HOST_OFFSET;

    static final int DEFAULT_SLOTS = 1024;
    /** In the owner word's pid half: the claimer has not written its start time yet (PIDs stay below 2^22 on Linux). */
    static final long STARTING = 1L << 31;

    private ProcessTableLayout() {
    }

    static long fileSize(int slots) {
        return HEADER_SIZE + (long) slots * SLOT_SIZE;
    }

    static int slotOffset(int slot) {
        return HEADER_SIZE + slot * SLOT_SIZE;
    }

    static long ownerWord(long generation, long pid) {
        return (generation << 32) | (pid & 0xFFFF_FFFFL);
    }

    static long pidOf(long ownerWord) {
        return ownerWord & 0x7FFF_FFFFL;
    }

    static boolean starting(long ownerWord) {
        return (ownerWord & STARTING) != 0;
    }

    static long generationOf(long ownerWord) {
        return ownerWord >>> 32;
    }
}
