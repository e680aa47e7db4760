package dev.statestore.internal.lock;

/**
 * Offsets of the stripe lock table ({@code stripes.tbl}), one per store, one stripe per Chronicle
 * Map segment. Little-endian; each stripe has a cache line of its own.
 *
 * <pre>
 *  header (64 bytes)
 *  0        8          12         16                                                    64
 *  +--------+----------+----------+-----------------------------------------------------+
 *  | magic  | format   | stripes  | reserved                                            |
 *  +--------+----------+----------+-----------------------------------------------------+
 *  stripe i at HEADER_SIZE + i * STRIPE_SIZE (64 bytes)
 *  0                          8                 16                24                32                40        64
 *  +--------------------------+-----------------+-----------------+-----------------+-----------------+---------+
 *  | owner word               | in-flight seq   | takeovers       | deadlines       | unused: was the | reserved|
 *  | 0 = free, else:          | journal index of| times a dead    | 0 = the segment | stripe's version|         |
 *  | gen16 | slot+1 | thread  | the change being| owner's stripe  | may hold entries| (near caches now|         |
 *  | (16)  | (16)   | (32)    | made, -1 = none | was taken over  | with a deadline,| use versions.tbl|         |
 *  |                          |                 |                 | 1 = none at the | per key)        |         |
 *  |                          |                 |                 | last sweep      |                 |         |
 *  +--------------------------+-----------------+-----------------+-----------------+-----------------+---------+
 * </pre>
 *
 * Bytes 32-40 held a per-stripe version for near caches in an earlier build of format 1; nothing
 * reads or writes them now (near caches check per-key versions: {@code near.VersionTable}).
 *
 * The owner word names the holder: its slot in the process table ({@code procs.tbl}), the low 16
 * bits of that slot's claim generation (so a slot claimed again by another process is not
 * mistaken for the old owner) and a thread number unique within the process.
 */
final class StripeLayout {
    static final long MAGIC = 0x0045504952545353L; // "SSTRIPE\0" little-endian
    static final int FORMAT = 1;

    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_OFFSET = 8;
    static final int STRIPES_OFFSET = 12;
    static final int HEADER_SIZE = 64;

    static final int STRIPE_SIZE = 64;
    static final int OWNER_OFFSET = 0;
    static final int IN_FLIGHT_OFFSET = 8;
    static final int TAKEOVERS_OFFSET = 16;
    /** Zero in tables made before it existed: "may hold deadlines", so they are swept as before. */
    static final int DEADLINES_OFFSET = 24;
    static final long MAY_HOLD_DEADLINES = 0L;
    static final long NO_DEADLINES = 1L;

    static final long FREE = 0L;
    static final long NONE = -1L;
    static final int GENERATION_BITS = 16;

    private StripeLayout() {
    }

    static long fileSize(int stripes) {
        return HEADER_SIZE + (long) stripes * STRIPE_SIZE;
    }

    static int stripeOffset(int stripe) {
        return HEADER_SIZE + stripe * STRIPE_SIZE;
    }

    static long owner(long generation, int slot, int thread) {
        long process = ((generation & 0xFFFF) << 16) | ((slot + 1) & 0xFFFF);
        return (process << 32) | (thread & 0xFFFF_FFFFL);
    }

    static int slotOf(long owner) {
        return (int) ((owner >>> 32) & 0xFFFF) - 1;
    }

    static long generationOf(long owner) {
        return (owner >>> 48) & 0xFFFF;
    }
}
