package dev.statestore.internal.chronicle;

import net.openhft.chronicle.algo.bytes.ReadAccess;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.hash.impl.HashSplitting;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.impl.CompiledMapQueryContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * Which Chronicle Map segment a stored key is in, so that the segment's stripe can be taken before
 * Chronicle touches the segment (see {@code StripeTable}). A segment other than Chronicle's would
 * leave the segment unguarded, so this is computed exactly as Chronicle Map 2026.1 computes it:
 *
 * <ul>
 *   <li>the key's hash is xxHash r39 of the bytes the map's key data access gives the key
 *       ({@code InputKeyHashCode}, {@code VanillaChronicleMap.optimizedGet}:
 *       {@code inputKey.hash(LongHashFunction.xx_r39())});</li>
 *   <li>the segment is the map's own {@link HashSplitting} applied to that hash
 *       ({@code QuerySegmentStages}: {@code hashSplitting.segmentIndex(keyHash)}).</li>
 * </ul>
 *
 * The bytes of the key types statestore stores (see {@code map.Conversion}), by Chronicle's default
 * data access for the class:
 * <ul>
 *   <li>{@code String} ({@code StringUtf8DataAccess}, {@code BytesInternal.appendUtf8}): each
 *       {@code char} on its own, 1 byte up to U+007F, 2 up to U+07FF, 3 otherwise; a surrogate
 *       pair is two 3-byte sequences, not the 4 bytes of standard UTF-8. An ASCII string's bytes
 *       are its chars, which {@link AsciiAccess} hands to the hash function directly, without
 *       copying (the hash reads its input only through the access);</li>
 *   <li>{@code byte[]} (native byte arrays and every codec's encoded keys,
 *       {@code ByteArrayDataAccess}): the array;</li>
 *   <li>{@code Long} / {@code Integer} ({@code LongDataAccess.hash},
 *       {@code IntegerDataAccess_3_13.hash}): {@code hashLong} / {@code hashInt} of the value.</li>
 * </ul>
 *
 * {@link #forMap} checks this against Chronicle itself on fixed keys when the store opens: the
 * full 64-bit hash and the segment each key gets from a query context. Should they ever differ (a
 * Chronicle version hashing differently), the store asks Chronicle through a query context for
 * every operation instead, as before (correct, ~100-350 ns slower), and says so once in the log.
 * {@code KeySegmentsTest} compares both ways on random keys of every type.
 *
 * @param <KS> key type stored by Chronicle
 */
public final class KeySegments<KS> {
    private static final Logger LOG = LoggerFactory.getLogger(KeySegments.class);
    private static final LongHashFunction XX_R39 = LongHashFunction.xx_r39();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final ChronicleMap<KS, ?> map;
    /** The map's splitting; null when the segment is asked of a query context. */
    private final HashSplitting splitting;
    /** The map's splitting, always: the segment of a hash Chronicle computed. */
    private final HashSplitting chronicleSplitting;

    private KeySegments(ChronicleMap<KS, ?> map, HashSplitting splitting) {
        this.map = map;
        this.splitting = splitting;
        this.chronicleSplitting = ((VanillaChronicleHash<?, ?, ?, ?>) map).hashSplitting;
    }

    /**
     * The segments of {@code map}'s keys: from the key's hash when that agrees with Chronicle on the
     * check keys of the map's key class, else from a query context.
     */
    public static <KS> KeySegments<KS> forMap(String store, ChronicleMap<KS, ?> map, Class<KS> keyClass) {
        return forMap(store, map, keyClass, KeySegments::hash);
    }

    /** As {@link #forMap(String, ChronicleMap, Class)} with the hash function to check (tests give wrong ones). */
    static <KS> KeySegments<KS> forMap(String store, ChronicleMap<KS, ?> map, Class<KS> keyClass,
                                       ToLongFunction<Object> hash) {
        List<?> keys = checkKeys(keyClass);
        if (keys.isEmpty()) {
            LOG.debug("store '{}': keys of {} are placed in segments by Chronicle's query context", store, keyClass);
            return new KeySegments<>(map, null);
        }
        HashSplitting splitting = ((VanillaChronicleHash<?, ?, ?, ?>) map).hashSplitting;
        for (Object key : keys) {
            @SuppressWarnings("unchecked")
            KS k = (KS) key;
            long chronicleHash;
            int chronicleSegment;
            long ours;
            try (ExternalMapQueryContext<KS, ?, ?> c = map.queryContext(k)) {
                CompiledMapQueryContext<?, ?, ?> q = (CompiledMapQueryContext<?, ?, ?>) c;
                chronicleHash = q.keyHash();
                chronicleSegment = q.segmentIndex();
                ours = hash.applyAsLong(k);
            } catch (RuntimeException | LinkageError e) {
                return fallBack(store, map, "checking a key failed: " + e);
            }
            if (ours != chronicleHash || splitting.segmentIndex(ours) != chronicleSegment) {
                return fallBack(store, map, "key " + describe(k) + " hashes to " + Long.toHexString(ours)
                        + " / segment " + splitting.segmentIndex(ours) + " here but " + Long.toHexString(chronicleHash)
                        + " / segment " + chronicleSegment + " in Chronicle Map");
            }
        }
        return new KeySegments<>(map, splitting);
    }

    private static <KS> KeySegments<KS> fallBack(String store, ChronicleMap<KS, ?> map, String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("store '{}': the key's segment computed from its hash disagrees with Chronicle Map ({}): finding"
                    + " segments through Chronicle's query context instead, ~100-350 ns slower per operation; report"
                    + " this with the Chronicle Map version in use (said once per process)", store, why);
        }
        return new KeySegments<>(map, null);
    }

    /** Whether segments come from the key's hash (false: from a query context, after a failed check). */
    boolean fromHash() {
        return splitting != null;
    }

    /** The segment Chronicle keeps {@code key} in. */
    public int of(KS key) {
        return splitting != null ? splitting.segmentIndex(hash(key)) : viaQueryContext(map, key);
    }

    /**
     * Chronicle Map's hash of {@code key}: the one its segment comes from ({@link #segmentOfHash})
     * and writers bump the key's version by ({@code VersionTable}). Computed here when the check at
     * open agreed, else Chronicle's own, from a query context.
     */
    public long hashOf(KS key) {
        if (splitting != null) {
            return hash(key);
        }
        try (ExternalMapQueryContext<KS, ?, ?> c = map.queryContext(key)) {
            return ((CompiledMapQueryContext<?, ?, ?>) c).keyHash();
        }
    }

    /** The segment of a key whose hash ({@link #hashOf}) is {@code hash}. */
    public int segmentOfHash(long hash) {
        return chronicleSplitting.segmentIndex(hash);
    }

    /** Chronicle's own answer: a query context opened only to read its segment index. */
    static <KS> int viaQueryContext(ChronicleMap<KS, ?> map, KS key) {
        try (ExternalMapQueryContext<KS, ?, ?> c = map.queryContext(key)) {
            return ((CompiledMapQueryContext<?, ?, ?>) c).segmentIndex();
        }
    }

    /**
     * Chronicle's xxHash r39 of a stored key (see the class comment).
     *
     * @throws IllegalArgumentException for a key of another class
     */
    static long hash(Object key) {
        if (key instanceof String s) {
            return isAscii(s) ? XX_R39.hash(s, AsciiAccess.INSTANCE, 0, s.length()) : XX_R39.hashBytes(chronicleUtf8(s));
        }
        if (key instanceof byte[] b) {
            return XX_R39.hashBytes(b);
        }
        if (key instanceof Long l) {
            return XX_R39.hashLong(l);
        }
        if (key instanceof Integer i) {
            return XX_R39.hashInt(i);
        }
        throw new IllegalArgumentException("no Chronicle key hash for " + (key == null ? "null" : key.getClass()));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** The bytes Chronicle's {@code BytesInternal.appendUtf8} writes for {@code s}: each char on its own. */
    static byte[] chronicleUtf8(String s) {
        int size = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            size += c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
        }
        byte[] out = new byte[size];
        int o = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x7F) {
                out[o++] = (byte) c;
            } else if (c <= 0x7FF) {
                out[o++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else {
                out[o++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return out;
    }

    /**
     * An ASCII string read as the bytes Chronicle writes for it: byte {@code i} is char {@code i}.
     * Multi-byte reads compose little-endian, as {@link #byteOrder} declares (the hash function
     * reads its input only through these methods and reverses reads it is told are big-endian, so
     * it sees the same byte sequence as from a byte array).
     */
    private static final class AsciiAccess implements ReadAccess<String> {
        static final AsciiAccess INSTANCE = new AsciiAccess();

        @Override
        public ByteOrder byteOrder(String s) {
            return ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public byte readByte(String s, long offset) {
            return (byte) s.charAt((int) offset);
        }

        @Override
        public short readShort(String s, long offset) {
            int i = (int) offset;
            return (short) (s.charAt(i) | s.charAt(i + 1) << 8);
        }

        @Override
        public int readInt(String s, long offset) {
            int i = (int) offset;
            return s.charAt(i) | s.charAt(i + 1) << 8 | s.charAt(i + 2) << 16 | s.charAt(i + 3) << 24;
        }

        @Override
        public long readLong(String s, long offset) {
            return (readInt(s, offset) & 0xFFFF_FFFFL) | (long) readInt(s, offset + 4) << 32;
        }
    }

    /** Fixed keys of each class the check at open compares with Chronicle; empty for other classes. */
    static List<?> checkKeys(Class<?> keyClass) {
        if (keyClass == String.class) {
            return List.of("", "a", "key-0000000042", "0123456789abcdef0123456789abcdef0123456789", "\u0000",
                    "caf\u00e9", "\u043a\u043b\u044e\u0447-\u20ac-\u00ff", "\uD83D\uDE00 smile", "\uD800 lone",
                    "\u007F\u0080\u07FF\u0800\uFFFF");
        }
        if (keyClass == byte[].class) {
            byte[] b33 = new byte[33];
            for (int i = 0; i < b33.length; i++) {
                b33[i] = (byte) (i * 37 - 100);
            }
            return List.of(new byte[0], new byte[] {0}, new byte[] {-1, 2, -3}, new byte[] {1, 2, 3, 4, 5, 6, 7}, b33);
        }
        if (keyClass == Long.class) {
            return List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1_234_567_890_123L, -42L);
        }
        if (keyClass == Integer.class) {
            return List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 123_456, -42);
        }
        return List.of();
    }

    private static String describe(Object key) {
        return key instanceof byte[] b ? b.length + " bytes" : key instanceof String s ? s.length() + " chars" : String.valueOf(key);
    }
}
