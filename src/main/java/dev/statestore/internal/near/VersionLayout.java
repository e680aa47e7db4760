package dev.statestore.internal.near;

/**
 * Offsets of the key version table ({@code versions.tbl}), one per store: what near caches check
 * their copies against (see {@link VersionTable}). Little-endian.
 *
 * <pre>
 *  header (64 bytes, written once at creation, read-only afterwards)
 *  0        8          12            16                                                 64
 *  +--------+----------+-------------+--------------------------------------------------+
 *  | magic  | format   | slots, log2 | reserved                                         |
 *  +--------+----------+-------------+--------------------------------------------------+
 *  epoch (a cache line of its own, at EPOCH_OFFSET = 64)
 *  64                       72                                                        128
 *  +------------------------+----------------------------------------------------------+
 *  | epoch: bumped when a   | reserved                                                 |
 *  | change of unknown keys |                                                          |
 *  | may have happened      |                                                          |
 *  +------------------------+----------------------------------------------------------+
 *  slot i at SLOTS_BASE + i * SLOT_SIZE (8 bytes), i = the key's hash &amp; (slots - 1)
 *  128        136        144                                 128 + 8 * slots
 *  +----------+----------+---------- ... --------------------+
 *  | slot 0   | slot 1   |                                   |
 *  | version  | version  |                                   |
 *  +----------+----------+---------- ... --------------------+
 * </pre>
 *
 * Every counter only grows (64 bits: it does not wrap in the life of a machine) and starts at
 * zero, what a new (sparse) file holds. The hash is Chronicle Map's xxHash r39 of the stored key,
 * the one that also picks the key's segment and stripe ({@code KeySegments}).
 */
final class VersionLayout {
    static final long MAGIC = 0x00534e4f49535256L; // "VRSIONS\0" little-endian
    static final int FORMAT = 1;

    static final int MAGIC_OFFSET = 0;
    static final int FORMAT_OFFSET = 8;
    static final int SLOTS_LOG2_OFFSET = 12;
    static final int HEADER_SIZE = 64;

    static final int EPOCH_OFFSET = 64;
    static final int SLOTS_BASE = 128;
    static final int SLOT_SIZE = 8;

    /** The fewest and the most slots a table has: 32 KB to 128 MB of counters (16 MB at 1M entries). */
    static final int MIN_SLOTS_LOG2 = 12;
    static final int MAX_SLOTS_LOG2 = 24;

    private VersionLayout() {
    }

    static long fileSize(int slotsLog2) {
        return SLOTS_BASE + ((long) SLOT_SIZE << slotsLog2);
    }

    /**
     * Slots for a store sized for {@code entries}: the power of two at or above twice that, within
     * the bounds above. Keys sharing a slot end each other's copies: with two slots per entry, a
     * key's slot is written by another key in a pass of W's 50/50 workload (500k puts over 1M
     * keys) with probability 1 - e^(-500k / 2M) = 0.22 (0.39 with one slot per entry).
     */
    static int slotsLog2For(long entries) {
        int log2 = 64 - Long.numberOfLeadingZeros(2 * Math.max(1, entries) - 1);
        return Math.max(MIN_SLOTS_LOG2, Math.min(MAX_SLOTS_LOG2, log2));
    }
}
