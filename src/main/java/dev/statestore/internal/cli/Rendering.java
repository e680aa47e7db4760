package dev.statestore.internal.cli;

import dev.statestore.Codec;
import dev.statestore.SubscribeOptions;
import dev.statestore.internal.codec.BuiltinCodecs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.util.Base64;

/**
 * How the command line shows keys and values, from the store's own codecs: text as it is,
 * integers as numbers, bytes (and values of user codecs) as base64, JSON values as JSON.
 */
public final class Rendering {
    private Rendering() {
    }

    /** The command line's JSON mapper, built on first use: get, put and rm on text, number and bytes stores never need one. */
    public static ObjectMapper json() {
        return Json.MAPPER;
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** Parses command-line text into a key or value of the codec's type. */
    static Object parse(Codec<?> codec, String text, String what) {
        String id = codec.id();
        try {
            if (codec == BuiltinCodecs.STRING) {
                return text;
            }
            if (codec == BuiltinCodecs.INT64) {
                return Long.parseLong(text.trim());
            }
            if (codec == BuiltinCodecs.INT32) {
                return Integer.parseInt(text.trim());
            }
            if (codec.type() == JsonNode.class) {
                return json().readTree(text);
            }
            return Base64.getDecoder().decode(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " '" + text + "' is not a whole number, as the store's " + id + " codec needs");
        } catch (IOException e) {
            throw new UsageException(what + " '" + text + "' is not valid JSON, as the store's json codec needs: "
                    + e.getMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " '" + text + "' is not base64, as the store's " + id + " codec needs");
        }
    }

    /** Parses a key or value from an NDJSON field. */
    static Object fromJson(Codec<?> codec, JsonNode node, String what) {
        if (codec == BuiltinCodecs.STRING) {
            requireType(node.isTextual(), what, "a string", node);
            return node.textValue();
        }
        if (codec == BuiltinCodecs.INT64) {
            requireType(node.canConvertToLong() && node.isIntegralNumber(), what, "a whole number", node);
            return node.longValue();
        }
        if (codec == BuiltinCodecs.INT32) {
            requireType(node.canConvertToInt() && node.isIntegralNumber(), what, "a 32-bit whole number", node);
            return node.intValue();
        }
        if (codec.type() == JsonNode.class) {
            return node;
        }
        requireType(node.isTextual(), what, "a base64 string", node);
        return parse(codec, node.textValue(), what);
    }

    /** Renders a key or value for {@code get}: text as is, numbers, base64, compact JSON. */
    static String toText(Codec<?> codec, Object value) {
        if (value instanceof byte[]) {
            return Base64.getEncoder().encodeToString((byte[]) value);
        }
        return value.toString();
    }

    /** Renders a key or value as an NDJSON field. */
    static JsonNode toJson(Codec<?> codec, Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof JsonNode) {
            return (JsonNode) value;
        }
        if (value instanceof Long) {
            return f.numberNode((Long) value);
        }
        if (value instanceof Integer) {
            return f.numberNode((Integer) value);
        }
        if (value instanceof byte[]) {
            return f.textNode(Base64.getEncoder().encodeToString((byte[]) value));
        }
        return f.textNode(value.toString());
    }

    private static void requireType(boolean ok, String what, String expected, JsonNode node) {
        if (!ok) {
            throw new UsageException(what + " " + node + " must be " + expected);
        }
    }

    /** The {@code --wait} option: busy, yield or park. */
    public static SubscribeOptions.WaitStrategy waitStrategy(String text) {
        return switch (text) {
            case "busy" -> SubscribeOptions.WaitStrategy.BUSY_SPIN;
            case "yield" -> SubscribeOptions.WaitStrategy.YIELD;
            case "park" -> SubscribeOptions.WaitStrategy.PARK;
            default -> throw new UsageException("--wait must be busy, yield or park, was '" + text + "'");
        };
    }
}
