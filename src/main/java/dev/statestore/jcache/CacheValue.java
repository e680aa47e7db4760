package dev.statestore.jcache;

import dev.statestore.Codec;

import java.nio.ByteBuffer;
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
 */
record CacheValue(int flags, long deadline, Object value) {
    static final int CREATED = 1;
    static final int TOUCH = 2;
    static final long ETERNAL = Long.MAX_VALUE;
    private static final int HEADER = 9;

    boolean expiredAt(long nowMillis) {
        return deadline <= nowMillis;
    }

    boolean created() {
        return (flags & CREATED) != 0;
    }

    boolean touch() {
        return (flags & TOUCH) != 0;
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
                byte[] payload = values.encode(v.value());
                return ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                        .put((byte) v.flags()).putLong(v.deadline()).put(payload).array();
            }

            @Override
            public CacheValue decode(byte[] bytes) {
                if (bytes.length < HEADER + 1) {
                    throw new IllegalArgumentException("a JCache entry of " + bytes.length + " bytes is too short");
                }
                long deadline = ByteBuffer.wrap(bytes, 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                return new CacheValue(bytes[0], deadline, values.decode(bytes, HEADER));
            }
        };
    }
}
