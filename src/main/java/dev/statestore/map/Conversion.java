package dev.statestore.map;

import dev.statestore.Codec;
import dev.statestore.codec.BuiltinCodecs;

/**
 * Between a user type {@code T} and the type {@code S} Chronicle Map stores: the identity for the
 * types Chronicle stores natively (String, byte[], Long, Integer), a codec to {@code byte[]} for
 * the rest.
 */
abstract class Conversion<T, S> {
    final Codec<T> codec;

    private Conversion(Codec<T> codec) {
        this.codec = codec;
    }

    abstract S toStored(T value);

    abstract T fromStored(S stored);

    /** The encoded bytes of a stored value (what the journal holds). */
    byte[] bytesOf(S stored) {
        return stored instanceof byte[] ? (byte[]) stored : encodeStored(stored);
    }

    abstract byte[] encodeStored(S stored);

    /** The stored form of encoded bytes (from the journal). */
    abstract S storedFromBytes(byte[] bytes);

    /** The class Chronicle Map is built with. */
    abstract Class<S> storedClass();

    /** Whether every encoded value has the same size (Chronicle then needs no average size). */
    boolean constantSize() {
        return codec == BuiltinCodecs.INT64 || codec == BuiltinCodecs.INT32;
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
        T toStored(T value) {
            return value;
        }

        @Override
        T fromStored(T stored) {
            return stored;
        }

        @Override
        T storedFromBytes(byte[] bytes) {
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
        byte[] storedFromBytes(byte[] bytes) {
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
}
