package dev.statestore.internal.journal;

/**
 * Offsets of the journal's writer table ({@code journal/writers.tbl}): the store-wide sequence
 * counter and, per process slot, the sequence that slot's writer is appending. Little-endian; the
 * counter and each slot have a cache line of their own.
 *
 * <pre>
 *  header (64 bytes)
 *  0        8          12        16                 24                  28             32      64
 *  +--------+----------+---------+------------------+-------------------+--------------+-------+
 *  | magic  | format   | slots   | base: the first  | queues (i32):     | used (i32):  | rsvd  |
 *  |        | (1)      | (i32)   | sequence of the  | bumped each time  | highest slot |       |
 *  |        |          |         | writer queues    | a queue is made   | that wrote+1 |       |
 *  +--------+----------+---------+------------------+-------------------+--------------+-------+
 *  counter (64 bytes at 64)
 *  0                          8                                                                 64
 *  +--------------------------+-----------------------------------------------------------------+
 *  | next sequence (i64)      | reserved                                                        |
 *  +--------------------------+-----------------------------------------------------------------+
 *  slot i at SLOTS_START + i * SLOT_SIZE (64 bytes), written only by the slot's owner
 *  0                          8                          16                                     64
 *  +--------------------------+--------------------------+---------------------------------------+
 *  | claim: IDLE (-1),        | generation of the owner  | reserved                              |
 *  | CLAIMING (-2), or the    | that wrote the claim     |                                       |
 *  | sequence being appended  | (procs.tbl's claim gen.) |                                       |
 *  +--------------------------+--------------------------+---------------------------------------+
 * </pre>
 *
 * The counter only grows. A writer marks its slot {@code CLAIMING}, takes the next sequence with
 * one atomic add, records it in the slot, writes and commits the event to its own queue, and marks
 * the slot {@code IDLE} again; all of it while it holds its queue's write lock, so the events of
 * each queue are in sequence order and each slot has at most one claim at a time.
 */
final class WriterLayout {
    static final long MAGIC = 0x0053524554495257L; // "WRITERS\0" little-endian
    static final int FORMAT = 1;

    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_OFFSET = 8;
    static final int SLOTS_OFFSET = 12;
    static final int BASE_OFFSET = 16;
    static final int QUEUES_OFFSET = 24;
    /** One more than the highest slot that ever wrote: readers look at the slots below it. */
    static final int USED_OFFSET = 28;
    static final int HEADER_SIZE = 64;

    static final int COUNTER_OFFSET = 64;
    static final int SLOTS_START = 128;
    static final int SLOT_SIZE = 64;
    static final int CLAIM_OFFSET = 0;
    static final int GENERATION_OFFSET = 8;

    /** The slot's writer is not appending. */
    static final long IDLE = -1L;
    /** The slot's writer is taking a sequence: it may hold one it has not recorded yet. */
    static final long CLAIMING = -2L;

    private WriterLayout() {
    }

    static long fileSize(int slots) {
        return SLOTS_START + (long) slots * SLOT_SIZE;
    }

    static int slotOffset(int slot) {
        return SLOTS_START + slot * SLOT_SIZE;
    }
}
