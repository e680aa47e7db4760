package dev.statestore.internal.journal;

/**
 * The binary layout of one journal event, the body of one Chronicle Queue document. Little-endian.
 *
 * <pre>
 *  0         1        2          4           8                16        20          24            28
 *  +---------+--------+----------+-----------+----------------+---------+-----------+-------------+-----------+-------------+
 *  | version | type   | flags    | writer pid| time (epoch ns)| stripe  | key length| value length| key bytes | value bytes |
 *  | u8 = 1  | u8     | u16 (0)  | i32       | i64            | i32     | i32       | i32, -1=none| (codec)   | (codec)     |
 *  +---------+--------+----------+-----------+----------------+---------+-----------+-------------+-----------+-------------+
 * </pre>
 *
 * Version 2 (written only for events whose {@code flags} are not 0; an event without flags is
 * still written as version 1, byte for byte as before) defines the flags:
 * <ul>
 *   <li>{@link #FLAG_ORIGIN}: the change was replicated from another host (applied by the
 *   replication applier); an origin trailer follows the value:
 * <pre>
 *  +--------------------------+------------------+----------------+
 *  | origin sequence (i64)    | host length (u16)| host (UTF-8)   |
 *  +--------------------------+------------------+----------------+
 * </pre>
 *   </li>
 * </ul>
 * A version 1 reader refuses version 2 events by their version byte, rather than misreading the trailer.
 *
 * <p>Keys and values are the bytes the store's codecs produce (for the built-in types, exactly what
 * Chronicle Map stores). The sequence of an event is its Chronicle Queue index, not stored in the
 * body. The stripe is the lock stripe (Chronicle Map segment) of the key, -1 for events written
 * outside one; crash repair uses it to find a dead writer's change. A reader refuses a version it
 * does not know.
 */
final class EventLayout {
    /** The layout of events without flags: what every event was before replication. */
    static final int VERSION = 1;
    /** The layout of events with flags (see the class comment). */
    static final int VERSION_FLAGS = 2;
    /** Flag: replicated from another host; an origin trailer follows the value. */
    static final int FLAG_ORIGIN = 0x0001;
    /** Bytes of the origin trailer before the host name. */
    static final int ORIGIN_FIXED_SIZE = 10;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 1;
    static final int FLAGS_OFFSET = 2;
    static final int PID_OFFSET = 4;
    static final int TIME_OFFSET = 8;
    static final int STRIPE_OFFSET = 16;
    static final int KEY_LENGTH_OFFSET = 20;
    static final int VALUE_LENGTH_OFFSET = 24;
    static final int HEADER_SIZE = 28;

    static final int NO_VALUE = -1;

    private EventLayout() {
    }
}
