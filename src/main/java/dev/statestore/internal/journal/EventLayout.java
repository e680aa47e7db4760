package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent.Origin;
import dev.statestore.ChangeType;
import dev.statestore.internal.platform.ProcessIdentity;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

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
 * <p>Version 3 (every event written since the journal has a queue per writer process, see
 * {@link WriterTable}) adds the event's sequence after the value length, and defines the flags as
 * version 2 does:
 * <pre>
 *  0 ... 28 (as above)        36
 *  +--------------------------+-----------+-------------+----------------+
 *  | version 1 header, u8 = 3 | sequence  | key bytes   | value bytes    | (origin trailer if flagged)
 *  |                          | i64       |             |                |
 *  +--------------------------+-----------+-------------+----------------+
 * </pre>
 * The sequence of a version 1 or 2 event (written to the journal's single queue before) is its
 * Chronicle Queue index.
 *
 * <p>Keys and values are the bytes the store's codecs produce (for the built-in types, exactly what
 * Chronicle Map stores). The stripe is the lock stripe (Chronicle Map segment) of the key, -1 for events written
 * outside one; crash repair uses it to find a dead writer's change. A reader refuses a version it
 * does not know. The methods below write and read it; the journal calls them inside its appends and
 * tailers.
 */
final class EventLayout {
    /** The layout of events without flags: what every event was before replication. */
    static final int VERSION = 1;
    /** The layout of events with flags (see the class comment). */
    static final int VERSION_FLAGS = 2;
    /** The layout written now: the sequence in the header. */
    static final int VERSION_SEQUENCE = 3;
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
    static final int SEQUENCE_OFFSET = 28;
    static final int HEADER_SIZE_V3 = 36;

    static final int NO_VALUE = -1;

    private EventLayout() {
    }

    // ---------------------------------------------------------------- writing and reading it

    static void copy(Data<?> data, Bytes<?> b) {
        long size = data.size();
        long at = b.writePosition();
        b.ensureCapacity(at + size);
        data.writeTo(b, at);
        b.writeSkip(size);
    }

    /** The event header, version 3, with the origin flag when {@code origin} is not null. */
    static void writeHeader(Bytes<?> b, long sequence, ChangeType type, int stripe, long keyLength, long valueLength,
                            Origin origin) {
        b.writeByte((byte) VERSION_SEQUENCE);
        b.writeByte((byte) type.code());
        b.writeShort((short) (origin == null ? 0 : EventLayout.FLAG_ORIGIN));
        b.writeInt((int) ProcessIdentity.pid());
        b.writeLong(SystemTimeProvider.CLOCK.currentTimeNanos());
        b.writeInt(stripe);
        b.writeInt((int) keyLength);
        b.writeInt((int) valueLength);
        b.writeLong(sequence);
    }


    /** The origin trailer of a replicated event (nothing for a change made here). */
    static void writeOrigin(Bytes<?> b, Origin origin) {
        if (origin == null) {
            return;
        }
        byte[] host = origin.host().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (host.length > 0xFFFF) {
            throw new IllegalArgumentException("origin host id is longer than 65535 bytes");
        }
        b.writeLong(origin.sequence());
        b.writeUnsignedShort(host.length);
        b.write(host);
    }

    /** Reads the next entry of {@code tailer} into {@code out}; false when there is none yet. */
    static boolean readEntry(ExcerptTailer tailer, java.util.Collection<RawEvent> out) {
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                if (dc.isMetaData()) {
                    continue;
                }
                Bytes<?> b = dc.wire().bytes();
                long index = dc.index();
                do {
                    RawEvent e = decode(index, b);
                    out.add(e);
                } while (b.readRemaining() > 0);
                return true;
            }
        }
    }

    static RawEvent decode(long index, Bytes<?> b) {
        long start = b.readPosition();
        if (b.readRemaining() < EventLayout.HEADER_SIZE) {
            throw new IllegalStateException("journal event " + index + " is truncated (" + b.readRemaining() + " bytes)");
        }
        int version = b.readUnsignedByte(start + EventLayout.VERSION_OFFSET);
        if (version != EventLayout.VERSION && version != EventLayout.VERSION_FLAGS && version != VERSION_SEQUENCE) {
            throw new IllegalStateException("journal event " + index + " has layout version " + version
                    + "; this statestore reads versions 1 to " + VERSION_SEQUENCE);
        }
        int headerSize = version == VERSION_SEQUENCE ? HEADER_SIZE_V3 : HEADER_SIZE;
        if (b.readRemaining() < headerSize) {
            throw new IllegalStateException("journal event " + index + " is truncated (" + b.readRemaining() + " bytes)");
        }
        long sequence = version == VERSION_SEQUENCE ? b.readLong(start + SEQUENCE_OFFSET) : index;
        int flags = version == EventLayout.VERSION ? 0 : b.readUnsignedShort(start + EventLayout.FLAGS_OFFSET);
        ChangeType type = ChangeType.ofCode(b.readUnsignedByte(start + EventLayout.TYPE_OFFSET));
        long pid = b.readInt(start + EventLayout.PID_OFFSET) & 0xFFFF_FFFFL;
        long time = b.readLong(start + EventLayout.TIME_OFFSET);
        int stripe = b.readInt(start + EventLayout.STRIPE_OFFSET);
        int keyLength = b.readInt(start + EventLayout.KEY_LENGTH_OFFSET);
        int valueLength = b.readInt(start + EventLayout.VALUE_LENGTH_OFFSET);
        if (keyLength < 0 || valueLength < EventLayout.NO_VALUE
                || headerSize + (long) keyLength + Math.max(0, valueLength) > b.readRemaining()) {
            throw new IllegalStateException("journal event " + index + " is damaged: key length " + keyLength
                    + ", value length " + valueLength + " in " + b.readRemaining() + " bytes");
        }
        byte[] key = new byte[keyLength];
        b.read(start + headerSize, key, 0, keyLength);
        byte[] value = null;
        if (valueLength != EventLayout.NO_VALUE) {
            value = new byte[valueLength];
            b.read(start + headerSize + keyLength, value, 0, valueLength);
        }
        long end = start + headerSize + keyLength + Math.max(0, valueLength);
        Origin origin = null;
        if ((flags & EventLayout.FLAG_ORIGIN) != 0) {
            long originSequence = b.readLong(end);
            int hostLength = b.readUnsignedShort(end + 8);
            byte[] host = new byte[hostLength];
            b.read(end + EventLayout.ORIGIN_FIXED_SIZE, host, 0, hostLength);
            origin = new Origin(new String(host, java.nio.charset.StandardCharsets.UTF_8), originSequence);
            end += EventLayout.ORIGIN_FIXED_SIZE + hostLength;
        }
        b.readPosition(end);
        return new RawEvent(sequence, time, type, pid, stripe, key, value, origin);
    }
}
