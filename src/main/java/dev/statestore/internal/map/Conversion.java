package dev.statestore.internal.map;

import dev.statestore.Codec;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.cache.StampedEntries;
import dev.statestore.internal.codec.BuiltinCodecs;

/**
 * Between a user type {@code T} and the type {@code S} Chronicle Map stores: the identity for the
 * types Chronicle stores natively (String, byte[], Long, Integer), a codec to {@code byte[]} for
 * the rest, and for the values of stores with expiry or a bound the codec's bytes behind a
 * {@link StampLayout} header.
 */
public abstract class Conversion<T, S> {
    final Codec<T> codec;

    private Conversion(Codec<T> codec) {
        this.codec = codec;
    }

    abstract S toStored(T value);

    abstract T fromStored(S stored);

    /**
     * What reading {@code stored} back from the map would give, without reading it: a value of its
     * own (a new array for {@code byte[]} kept as they are, a new decoding for encoded values), so
     * a caller that changes it changes neither the map nor the value it handed in.
     */
    T readBack(S stored) {
        return fromStored(stored);
    }

    /** The encoded bytes of a stored value (what the journal holds). */
    public byte[] bytesOf(S stored) {
        return stored instanceof byte[] ? (byte[]) stored : encodeStored(stored);
    }

    abstract byte[] encodeStored(S stored);

    /** The stored form of encoded bytes (from the journal). */
    public abstract S storedFromBytes(byte[] bytes);

    /** The class Chronicle Map is built with. */
    abstract Class<S> storedClass();

    /**
     * What Chronicle Map reads a value into for {@code getUsing(key, reuse)}: the array itself for
     * {@code byte[]} values kept as they are (Chronicle fills it when the length matches), else null.
     */
    S readTarget(T reuse) {
        return null;
    }

    /** Whether every encoded value has the same size (Chronicle then needs no average size). */
    boolean constantSize() {
        return codec == BuiltinCodecs.INT64 || codec == BuiltinCodecs.INT32;
    }

    /** Whether stored values carry a {@link StampLayout} header. */
    boolean stamped() {
        return false;
    }

    /** The codec that decodes journaled values into user values (strips a stamp header). */
    Codec<T> eventCodec() {
        return codec;
    }

    /** Values behind a {@link StampLayout} header; {@code defaultTtlMillis} 0: entries never expire by default. */
    static <T> Stamped<T> stamped(Codec<T> codec, long defaultTtlMillis) {
        return new Stamped<>(codec, defaultTtlMillis);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> Conversion<T, ?> of(Codec<T> codec) {
        if (BuiltinCodecs.isNative(codec)) {
            return new Identity(codec);
        }
        return new Encoding<>(codec);
    }

    private static final class Identity<T> extends Conversion<T, T> {
        Identity(Codec<T> codec) {
            super(codec);
        }

        @Override
        T readTarget(T reuse) {
            return reuse instanceof byte[] ? reuse : null;
        }

        @Override
        @SuppressWarnings("unchecked")
        T readBack(T stored) {
            return stored instanceof byte[] b ? (T) b.clone() : stored; // String, Long, Integer: immutable
        }

        @Override
        T toStored(T value) {
            return value;
        }

        @Override
        T fromStored(T stored) {
            return stored;
        }

        @Override
        public T storedFromBytes(byte[] bytes) {
            return codec.decode(bytes);
        }

        @Override
        byte[] encodeStored(T stored) {
            return codec.encode(stored);
        }

        @Override
        Class<T> storedClass() {
            return codec.type();
        }
    }

    private static final class Encoding<T> extends Conversion<T, byte[]> {
        Encoding(Codec<T> codec) {
            super(codec);
        }

        @Override
        byte[] toStored(T value) {
            return codec.encode(value);
        }

        @Override
        T fromStored(byte[] stored) {
            return stored == null ? null : codec.decode(stored);
        }

        @Override
        public byte[] storedFromBytes(byte[] bytes) {
            return bytes;
        }

        @Override
        byte[] encodeStored(byte[] stored) {
            return stored;
        }

        @Override
        Class<byte[]> storedClass() {
            return byte[].class;
        }
    }

    /**
     * Values of a stamped store: {@code toStored} stamps the store's default deadline and the
     * current access time; {@code fromStored} gives null for an expired value, so an expired entry
     * reads as absent on every path that decodes.
     */
    static final class Stamped<T> extends Conversion<T, byte[]> {
        final long defaultTtlMillis;

        Stamped(Codec<T> codec, long defaultTtlMillis) {
            super(codec);
            this.defaultTtlMillis = defaultTtlMillis;
        }

        @Override
        byte[] toStored(T value) {
            long now = System.currentTimeMillis();
            return toStored(value, defaultTtlMillis == 0 ? StampLayout.NEVER : StampLayout.deadlineAfter(now, defaultTtlMillis));
        }

        byte[] toStored(T value, long deadlineMillis) {
            return StampLayout.stamp(codec.encode(value), deadlineMillis, StampLayout.nowMicros());
        }

        @Override
        T fromStored(byte[] stored) {
            if (stored == null || StampLayout.expired(stored, System.currentTimeMillis())) {
                return null;
            }
            return codec.decode(StampLayout.payload(stored));
        }

        /** The array {@link StampedEntries#read} copies a payload into: {@code reuse} for byte[] values, else null. */
        @Override
        byte[] readTarget(T reuse) {
            return reuse instanceof byte[] ? (byte[]) reuse : null;
        }

        /** The value of a stored value known to be live. */
        T decodePayload(byte[] stored) {
            return codec.decode(StampLayout.payload(stored));
        }

        /** As {@link #decodePayload}, null for null. */
        T decodeOrNull(byte[] stored) {
            return stored == null ? null : decodePayload(stored);
        }

        @Override
        public byte[] storedFromBytes(byte[] bytes) {
            return bytes;
        }

        @Override
        byte[] encodeStored(byte[] stored) {
            return stored;
        }

        @Override
        Class<byte[]> storedClass() {
            return byte[].class;
        }

        @Override
        boolean constantSize() {
            return false;
        }

        @Override
        boolean stamped() {
            return true;
        }

        @Override
        Codec<T> eventCodec() {
            return new Codec<>() {
                @Override
                public String id() {
                    return codec.id();
                }

                @Override
                public Class<T> type() {
                    return codec.type();
                }

                @Override
                public byte[] encode(T value) {
                    return StampLayout.stamp(codec.encode(value), StampLayout.NEVER, 0);
                }

                @Override
                public T decode(byte[] bytes) {
                    if (bytes.length < StampLayout.HEADER_BYTES) {
                        throw new IllegalArgumentException("a stamped value has at least " + StampLayout.HEADER_BYTES
                                + " bytes, this one " + bytes.length);
                    }
                    return codec.decode(StampLayout.payload(bytes));
                }
            };
        }
    }
}
