package dev.statestore.internal.codec;

import dev.statestore.Codec;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The codecs statestore ships. Their byte forms are exactly those Chronicle Map writes for the
 * same types (UTF-8 text, raw bytes, little-endian integers), so the journal and the command line
 * can decode what the map holds without Chronicle.
 */
public final class BuiltinCodecs {
    public static final Codec<String> STRING = new Simple<>("string", String.class) {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    public static final Codec<byte[]> BYTES = new Simple<>("bytes", byte[].class) {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };

    public static final Codec<Long> INT64 = new Simple<>("int64", Long.class) {
        @Override
        public byte[] encode(Long value) {
            long v = value;
            byte[] b = new byte[8];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (v >>> (8 * i));
            }
            return b;
        }

        @Override
        public Long decode(byte[] bytes) {
            requireLength(bytes, 8, id());
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (bytes[i] & 0xFF);
            }
            return v;
        }
    };

    public static final Codec<Integer> INT32 = new Simple<>("int32", Integer.class) {
        @Override
        public byte[] encode(Integer value) {
            int v = value;
            return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        }

        @Override
        public Integer decode(byte[] bytes) {
            requireLength(bytes, 4, id());
            return (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF) << 16 | (bytes[3] & 0xFF) << 24;
        }
    };

    private BuiltinCodecs() {
    }

    /** True for the codecs whose Java type Chronicle Map stores natively (no conversion). */
    public static boolean isNative(Codec<?> codec) {
        return codec == STRING || codec == BYTES || codec == INT64 || codec == INT32;
    }

    /** The built-in codec registered under {@code id}, or null (for {@code json}: see {@link JsonCodec}). */
    public static Codec<?> byId(String id) {
        switch (id) {
            case "string": return STRING;
            case "bytes": return BYTES;
            case "int64": return INT64;
            case "int32": return INT32;
            default: return null;
        }
    }

    @SuppressWarnings("unchecked")
    public static <T> Codec<T> forType(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (type == String.class) {
            return (Codec<T>) STRING;
        }
        if (type == byte[].class) {
            return (Codec<T>) BYTES;
        }
        if (type == Long.class || type == long.class) {
            return (Codec<T>) INT64;
        }
        if (type == Integer.class || type == int.class) {
            return (Codec<T>) INT32;
        }
        if (type.isRecord() || isPojo(type)) {
            return JsonCodec.of(type);
        }
        throw new IllegalArgumentException("No built-in codec for " + type.getName()
                + ": built in are String, byte[], Long, Integer, records and POJOs (public class with a"
                + " no-argument constructor); pass a Codec<" + type.getSimpleName() + "> to map(name, keyCodec, valueCodec, options)");
    }

    private static boolean isPojo(Class<?> type) {
        if (type.isPrimitive() || type.isArray() || type.isInterface() || type.isEnum()
                || Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())
                || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                || type.getName().startsWith("java.")) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static void requireLength(byte[] bytes, int length, String id) {
        if (bytes.length != length) {
            throw new IllegalArgumentException("codec " + id + " expects " + length + " bytes, got " + bytes.length);
        }
    }

    private abstract static class Simple<T> implements Codec<T> {
        private final String id;
        private final Class<T> type;

        Simple(String id, Class<T> type) {
            this.id = id;
            this.type = type;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
