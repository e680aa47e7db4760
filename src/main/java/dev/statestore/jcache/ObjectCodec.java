package dev.statestore.jcache;

import dev.statestore.Codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;

/**
 * Keys and values of any type, for caches whose configured types are {@code Object} (what Spring
 * creates) or any other: each encoding starts with a tag byte naming how the rest is encoded.
 *
 * <pre>
 *  +-----+--------------------------------------------------------------+
 *  | tag | payload                                                      |
 *  +-----+--------------------------------------------------------------+
 *  tag 1..15  JDK value types: String (UTF-8), Long, Integer, Short, Byte, Boolean, Character,
 *             Double, Float (little-endian), byte[], BigInteger, BigDecimal, UUID, Date, Instant,
 *             LocalDate, LocalDateTime, Duration
 *  tag 32     JSON:   u16 class-name length | class name | JSON (records and POJOs, {@link JsonTypes})
 *  tag 33     enum:   u16 class-name length | class name | constant name
 *  tag 34     Spring's NullValue (a cached null), no payload
 *  tag 64     Java serialization, only when the cache opted in ({@link JavaSerialization})
 * </pre>
 *
 * <p>Deterministic as a key codec must be: equal values of these types encode to equal bytes. No
 * class named in the bytes is loaded unless an allow-list admits it.
 */
final class ObjectCodec implements Codec<Object> {
    static final String ID = "jcache-object";

    private static final byte STRING = 1;
    private static final byte LONG = 2;
    private static final byte INT = 3;
    private static final byte SHORT = 4;
    private static final byte BYTE = 5;
    private static final byte BOOLEAN = 6;
    private static final byte CHAR = 7;
    private static final byte DOUBLE = 8;
    private static final byte FLOAT = 9;
    private static final byte BYTES = 10;
    private static final byte BIG_INTEGER = 11;
    private static final byte BIG_DECIMAL = 12;
    private static final byte UUID_TAG = 13;
    private static final byte DATE = 14;
    private static final byte INSTANT = 15;
    private static final byte LOCAL_DATE = 16;
    private static final byte LOCAL_DATE_TIME = 17;
    private static final byte DURATION = 18;
    private static final byte JSON = 32;
    private static final byte ENUM = 33;
    private static final byte SPRING_NULL = 34;
    /** What Spring's cache abstraction stores for a method that returned null (allowNullValues, on by default). */
    static final String SPRING_NULL_VALUE = "org.springframework.cache.support.NullValue";
    private static final byte SERIAL = 64;

    private final JsonTypes jsonTypes;
    private final JavaSerialization serialization; // null: Java serialization off

    ObjectCodec(JsonTypes jsonTypes, JavaSerialization serialization) {
        this.jsonTypes = jsonTypes;
        this.serialization = serialization;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<Object> type() {
        return Object.class;
    }

    @Override
    public byte[] encode(Object value) {
        Class<?> c = value.getClass();
        if (c == String.class) {
            return tagged(STRING, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (c == Long.class) {
            return buffer(LONG, 8).putLong((Long) value).array();
        } else if (c == Integer.class) {
            return buffer(INT, 4).putInt((Integer) value).array();
        } else if (c == Short.class) {
            return buffer(SHORT, 2).putShort((Short) value).array();
        } else if (c == Byte.class) {
            return new byte[] {BYTE, (Byte) value};
        } else if (c == Boolean.class) {
            return new byte[] {BOOLEAN, (byte) ((Boolean) value ? 1 : 0)};
        } else if (c == Character.class) {
            return buffer(CHAR, 2).putChar((Character) value).array();
        } else if (c == Double.class) {
            return buffer(DOUBLE, 8).putLong(Double.doubleToLongBits((Double) value)).array();
        } else if (c == Float.class) {
            return buffer(FLOAT, 4).putInt(Float.floatToIntBits((Float) value)).array();
        } else if (c == byte[].class) {
            return tagged(BYTES, (byte[]) value);
        } else if (c == BigInteger.class) {
            return tagged(BIG_INTEGER, ((BigInteger) value).toByteArray());
        } else if (c == BigDecimal.class) {
            return tagged(BIG_DECIMAL, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (c == UUID.class) {
            UUID u = (UUID) value;
            return buffer(UUID_TAG, 16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        } else if (c == Date.class) {
            return buffer(DATE, 8).putLong(((Date) value).getTime()).array();
        } else if (c == Instant.class || c == LocalDate.class || c == LocalDateTime.class || c == Duration.class) {
            byte tag = c == Instant.class ? INSTANT : c == LocalDate.class ? LOCAL_DATE : c == LocalDateTime.class ? LOCAL_DATE_TIME
                    : DURATION;
            return tagged(tag, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof Enum<?> e) {
            jsonTypes.remember(e.getDeclaringClass());
            return named(ENUM, e.getDeclaringClass().getName(), e.name().getBytes(StandardCharsets.UTF_8));
        }
        if (c.getName().equals(SPRING_NULL_VALUE)) {
            return new byte[] {SPRING_NULL};
        }
        if (serialization != null && serialization.handles(value)) {
            return tagged(SERIAL, serialization.serialize(value));
        }
        if (jsonTypes.encodable(c)) {
            return named(JSON, c.getName(), jsonTypes.encode(value));
        }
        throw new IllegalArgumentException("statestore JCache cannot store a " + c.getName() + ": values are JDK value types"
                + " (String, numbers, byte[], UUID, dates...), enums, records and POJOs (as JSON); for other types"
                + " create the cache with a type statestore encodes, or opt in to Java serialization with the property "
                + JCacheProperties.SERIAL_FILTER + " (an ObjectInputFilter allow-list such as 'com.example.**;java.util.*')");
    }

    /**
     * The encoding of {@code value} after {@code headroom} bytes left for the caller's header
     * ({@link CacheValue}): the common value types are written in place, the others copied once.
     */
    byte[] encode(Object value, int headroom) {
        Class<?> c = value.getClass();
        if (c == byte[].class) {
            byte[] v = (byte[]) value;
            byte[] out = new byte[headroom + 1 + v.length];
            out[headroom] = BYTES;
            System.arraycopy(v, 0, out, headroom + 1, v.length);
            return out;
        }
        byte[] encoded = encode(value);
        byte[] out = new byte[headroom + encoded.length];
        System.arraycopy(encoded, 0, out, headroom, encoded.length);
        return out;
    }

    @Override
    public Object decode(byte[] bytes) {
        return decode(bytes, 0);
    }

    /** Decodes the encoding that starts at {@code from} and runs to the end of {@code bytes} (no copy of it first). */
    Object decode(byte[] bytes, int from) {
        if (bytes.length <= from) {
            throw new IllegalArgumentException("empty encoding");
        }
        int p = from + 1; // the payload
        switch (bytes[from]) {
            case STRING: return new String(bytes, p, bytes.length - p, StandardCharsets.UTF_8);
            case LONG: return payload(bytes, p).getLong();
            case INT: return payload(bytes, p).getInt();
            case SHORT: return payload(bytes, p).getShort();
            case BYTE: return bytes[p];
            case BOOLEAN: return bytes[p] != 0;
            case CHAR: return payload(bytes, p).getChar();
            case DOUBLE: return Double.longBitsToDouble(payload(bytes, p).getLong());
            case FLOAT: return Float.intBitsToFloat(payload(bytes, p).getInt());
            case BYTES: return Arrays.copyOfRange(bytes, p, bytes.length);
            case BIG_INTEGER: return new BigInteger(Arrays.copyOfRange(bytes, p, bytes.length));
            case BIG_DECIMAL: return new BigDecimal(text(bytes, p));
            case UUID_TAG: {
                ByteBuffer b = payload(bytes, p);
                return new UUID(b.getLong(), b.getLong());
            }
            case DATE: return new Date(payload(bytes, p).getLong());
            case INSTANT: return Instant.parse(text(bytes, p));
            case LOCAL_DATE: return LocalDate.parse(text(bytes, p));
            case LOCAL_DATE_TIME: return LocalDateTime.parse(text(bytes, p));
            case DURATION: return Duration.parse(text(bytes, p));
            case ENUM: return decodeEnum(bytes, p);
            case SPRING_NULL: return jsonTypes.springNullValue();
            case JSON: {
                int length = payload(bytes, p).getShort() & 0xffff;
                String className = new String(bytes, p + 2, length, StandardCharsets.UTF_8);
                return jsonTypes.decode(className, Arrays.copyOfRange(bytes, p + 2 + length, bytes.length));
            }
            case SERIAL:
                if (serialization == null) {
                    throw new IllegalArgumentException("this entry was stored with Java serialization, which this cache"
                            + " has not opted in to: set " + JCacheProperties.SERIAL_FILTER + " (an ObjectInputFilter allow-list)"
                            + " as a system property, a CacheManager property or on the cache");
                }
                return serialization.deserialize(Arrays.copyOfRange(bytes, p, bytes.length));
            default:
                throw new IllegalArgumentException("unknown JCache encoding tag " + bytes[from]);
        }
    }

    private Object decodeEnum(byte[] bytes, int p) {
        int length = (bytes[p] & 0xff) | (bytes[p + 1] & 0xff) << 8;
        String className = new String(bytes, p + 2, length, StandardCharsets.UTF_8);
        Class<?> type = jsonTypes.allowedEnum(className);
        if (!type.isEnum()) {
            throw new IllegalArgumentException(className + " is not an enum");
        }
        String constant = text(bytes, p + 2 + length);
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(constant)) {
                return c;
            }
        }
        throw new IllegalArgumentException(className + " has no constant " + constant);
    }

    /** The payload from {@code p} as a little-endian buffer, for the fixed-size types (String and byte[] need none). */
    private static ByteBuffer payload(byte[] bytes, int p) {
        return ByteBuffer.wrap(bytes, p, bytes.length - p).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String text(byte[] bytes, int from) {
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    private static ByteBuffer buffer(byte tag, int size) {
        return ByteBuffer.allocate(size + 1).order(ByteOrder.LITTLE_ENDIAN).put(tag);
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = tag;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    private static byte[] named(byte tag, String className, byte[] payload) {
        byte[] name = className.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + name.length + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(tag).putShort((short) name.length).put(name).put(payload).array();
    }
}
