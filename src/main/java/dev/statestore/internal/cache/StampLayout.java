package dev.statestore.internal.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The layout of a value in a store created with expiry or a bound ({@code valueLayout: stamped} in
 * store.json). Chronicle Map stores it as a {@code byte[]}; the journal, checkpoints and replay
 * carry the same bytes, so map and journal still compare byte for byte (apart from the access
 * clock, see {@link #comparable}).
 *
 * <pre>
 *  0               8               16
 *  +---------------+---------------+---------------------------+
 *  | deadline      | last access   | value, encoded by the     |
 *  | epoch millis  | epoch micros  | store's value codec       |
 *  | 0: never      |               |                           |
 *  +---------------+---------------+---------------------------+
 *  little-endian longs
 * </pre>
 *
 * The deadline is absolute wall-clock time, so it holds across restarts. The last-access clock
 * orders entries for eviction; reads of a bounded store rewrite it in place, under the key's
 * stripe, without a journal event (it is not part of the map's content).
 */
public final class StampLayout {
    static final int DEADLINE_OFFSET = 0;
    static final int ACCESS_OFFSET = 8;
    public static final int HEADER_BYTES = 16;
    /** A deadline meaning "never expires". */
    public static final long NEVER = 0;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private StampLayout() {
    }

    public static byte[] stamp(byte[] encoded, long deadlineMillis, long accessMicros) {
        byte[] out = new byte[HEADER_BYTES + encoded.length];
        LONGS.set(out, DEADLINE_OFFSET, deadlineMillis);
        LONGS.set(out, ACCESS_OFFSET, accessMicros);
        System.arraycopy(encoded, 0, out, HEADER_BYTES, encoded.length);
        return out;
    }

    public static long deadline(byte[] stored) {
        return (long) LONGS.get(stored, DEADLINE_OFFSET);
    }

    static long access(byte[] stored) {
        return (long) LONGS.get(stored, ACCESS_OFFSET);
    }

    static boolean expired(long deadlineMillis, long nowMillis) {
        return deadlineMillis != NEVER && deadlineMillis <= nowMillis;
    }

    public static boolean expired(byte[] stored, long nowMillis) {
        return expired(deadline(stored), nowMillis);
    }

    /** The encoded value without the header. */
    public static byte[] payload(byte[] stored) {
        return java.util.Arrays.copyOfRange(stored, HEADER_BYTES, stored.length);
    }

    /** Whether two stored values hold the same encoded value (headers ignored). */
    public static boolean samePayload(byte[] a, byte[] b) {
        return java.util.Arrays.equals(a, HEADER_BYTES, a.length, b, HEADER_BYTES, b.length);
    }

    /**
     * The stored value with its access clock zeroed, and its deadline too when reads move it
     * (expire after access): what verify compares, as reads change those in place, unjournaled.
     */
    static byte[] comparable(byte[] stored, boolean zeroDeadline) {
        if (stored.length < HEADER_BYTES) {
            return stored;
        }
        byte[] copy = stored.clone();
        LONGS.set(copy, ACCESS_OFFSET, 0L);
        if (zeroDeadline) {
            LONGS.set(copy, DEADLINE_OFFSET, 0L);
        }
        return copy;
    }

    /** A deadline {@code ttlMillis} from {@code nowMillis}, saturating. */
    public static long deadlineAfter(long nowMillis, long ttlMillis) {
        long d = nowMillis + ttlMillis;
        return d < nowMillis ? Long.MAX_VALUE : d;
    }

    /**
     * Now, in the access clock's unit (microseconds since the epoch). Chronicle's clock, which
     * allocates nothing: {@code Instant.now()} here made reads of bounded stores allocate an
     * Instant each whenever the JIT had not eliminated it yet.
     */
    public static long nowMicros() {
        return net.openhft.chronicle.core.time.SystemTimeProvider.CLOCK.currentTimeMicros();
    }

    /** Reads a little-endian long from Chronicle's mapped bytes. */
    static long readLong(net.openhft.chronicle.bytes.RandomDataInput bytes, long offset) {
        long v = bytes.readLong(offset);
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? v : Long.reverseBytes(v);
    }

    /** Writes a little-endian long into Chronicle's mapped bytes, in place. */
    static void writeLong(net.openhft.chronicle.bytes.RandomDataInput bytes, long offset, long value) {
        long v = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value);
        ((net.openhft.chronicle.bytes.RandomDataOutput<?>) bytes).writeLong(offset, v);
    }
}
