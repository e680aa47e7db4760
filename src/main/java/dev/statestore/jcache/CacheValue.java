package dev.statestore.jcache;

import dev.statestore.Codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * What a cache stores per key: the value, its absolute expiry deadline and how it was written.
 *
 * <pre>
 *  +-------+---------------------------+----------------------------+
 *  | flags | deadline (8 bytes, LE)    | value ({@link ObjectCodec}) |
 *  +-------+---------------------------+----------------------------+
 *  flags: bit 0 CREATED (the write created the entry; else it replaced one),
 *         bit 1 TOUCH (only the deadline changed: an access under an ExpiryPolicy; no event)
 *  deadline: epoch milliseconds after which the entry is expired; Long.MAX_VALUE: never
 * </pre>
 *
 * <p>The deadline lives in the value (not only in the engine's TTL stamp) so that an update whose
 * {@code ExpiryPolicy} says "unchanged" keeps it, and it holds across restarts; the flags travel
 * through the journal, so a listener in another process tells a creation from an update.
 *
 * <p>A decoded entry reads its header at once and its value only when {@link #value()} is first
 * called: a put reads the old entry for its flags and deadline alone, and {@code compute} decodes
 * the entry it has just written as its result, so the value's bytes would otherwise be copied and
 * decoded twice for nothing. The stored array it reads from later is the engine's own copy of the
 * entry (the engine hands out the same arrays as {@code byte[]} values), never changed afterwards.
 */
final class CacheValue {
    static final int CREATED = 1;
    static final int TOUCH = 2;
    static final long ETERNAL = Long.MAX_VALUE;
    static final int HEADER = 9;
    /** The deadline at offset 1, little-endian, without a ByteBuffer per entry. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int flags;
    private final long deadline;
    private Object value; // null until decoded from stored
    private final byte[] stored; // the encoded entry it was decoded from, or null
    private final ObjectCodec values; // decodes stored; null when value was given

    CacheValue(int flags, long deadline, Object value) {
        this(flags, deadline, value, null, null);
    }

    private CacheValue(int flags, long deadline, Object value, byte[] stored, ObjectCodec values) {
        this.flags = flags;
        this.deadline = deadline;
        this.value = value;
        this.stored = stored;
        this.values = values;
    }

    int flags() {
        return flags;
    }

    long deadline() {
        return deadline;
    }

    /** The value, decoded on the first call (one thread's object: the engine hands each read its own). */
    Object value() {
        Object v = value;
        if (v == null) {
            v = values.decode(stored, HEADER);
            value = v;
        }
        return v;
    }

    boolean expiredAt(long nowMillis) {
        return deadline <= nowMillis;
    }

    /** Whether the entry has a deadline (else it never expires, whatever the clock says). */
    boolean expires() {
        return deadline != ETERNAL;
    }

    /** Whether the entry is expired now; the clock is read only for an entry that has a deadline. */
    boolean expiredNow() {
        return deadline != ETERNAL && deadline <= System.currentTimeMillis();
    }

    boolean created() {
        return (flags & CREATED) != 0;
    }

    boolean touch() {
        return (flags & TOUCH) != 0;
    }

    @Override
    public String toString() {
        return "CacheValue[flags=" + flags + ", deadline=" + deadline + ", value=" + value() + "]";
    }

    /** The codec of a cache's stored values over {@code values}. */
    static Codec<CacheValue> codec(ObjectCodec values) {
        return new Codec<>() {
            @Override
            public String id() {
                return "jcache-value";
            }

            @Override
            public Class<CacheValue> type() {
                return CacheValue.class;
            }

            @Override
            public byte[] encode(CacheValue v) {
                byte[] out = values.encode(v.value(), HEADER); // the value after HEADER free bytes: no second copy
                out[0] = (byte) v.flags();
                LONGS.set(out, 1, v.deadline());
                return out;
            }

            @Override
            public CacheValue decode(byte[] bytes) {
                if (bytes.length < HEADER + 1) {
                    throw new IllegalArgumentException("a JCache entry of " + bytes.length + " bytes is too short");
                }
                long deadline = (long) LONGS.get(bytes, 1);
                return new CacheValue(bytes[0], deadline, null, bytes, values);
            }
        };
    }
}
