package dev.statestore;

import dev.statestore.internal.Factory;

/**
 * Turns keys or values of one type into bytes and back.
 *
 * <p>The bytes are what other processes, the journal and the command line see, so a codec must be
 * deterministic (equal objects encode to equal bytes: keys are compared by their bytes) and must
 * never execute what it reads: a shared file is input from another process. Java native
 * serialization is never used by statestore.
 *
 * <p>Built in: {@link #string()}, {@link #bytes()}, {@link #int64()}, {@link #int32()}, and
 * {@link #json(Class)} for records and POJOs. {@link #forType(Class)} picks one of them.
 *
 * @param <T> the type encoded
 */
public interface Codec<T> {

    /**
     * A stable name written into the store's metadata. Reattaching with a codec of another id is
     * refused with {@link TypeMismatchException}. Built-in ids: {@code string}, {@code bytes},
     * {@code int64}, {@code int32}, {@code json}.
     */
    String id();

    /** The Java type this codec encodes. */
    Class<T> type();

    /** Encodes a non-null value. */
    byte[] encode(T value);

    /** Decodes bytes produced by {@link #encode}. Throws {@link IllegalArgumentException} on bad input. */
    T decode(byte[] bytes);

    /** UTF-8 text. */
    static Codec<String> string() {
        return Factory.stringCodec();
    }

    /** Raw bytes, stored as they are. */
    static Codec<byte[]> bytes() {
        return Factory.bytesCodec();
    }

    /** A {@code Long} as 8 little-endian bytes. */
    static Codec<Long> int64() {
        return Factory.int64Codec();
    }

    /** An {@code Integer} as 4 little-endian bytes. */
    static Codec<Integer> int32() {
        return Factory.int32Codec();
    }

    /** A record or POJO as JSON (Jackson), with map entries and properties in a stable order. */
    static <T> Codec<T> json(Class<T> type) {
        return Factory.jsonCodec(type);
    }

    /**
     * The built-in codec for a type: {@code String}, {@code byte[]}, {@code Long}, {@code Integer},
     * or JSON for records and POJOs.
     *
     * @throws IllegalArgumentException for a type no built-in codec handles, naming the fix
     */
    static <T> Codec<T> forType(Class<T> type) {
        return Factory.codecFor(type);
    }
}
