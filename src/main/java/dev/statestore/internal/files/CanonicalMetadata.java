package dev.statestore.internal.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@code store.json} in the form this build writes it, with Jackson's streaming parser
 * only: no {@code ObjectMapper}. Building an {@code ObjectMapper} and binding the record costs
 * about 10 % of the start of a {@code get} (measured 2026-11-26, BENCHMARKS-HISTORY.md), and every
 * command reads a store's metadata before anything else.
 *
 * <p>Taken: one JSON object with each of the record's fields exactly once, of this build's
 * {@link StoreMetadata#FORMAT}, strings as strings, whole numbers in range for int and long
 * fields, numbers for the double, booleans as booleans. Anything else (an older format, a field
 * missing, unknown, repeated or null, another type, malformed JSON) returns null, and
 * {@link StoreMetadata#read} binds the file with Jackson as before: its coercions, its defaults for
 * older formats, its error messages. What this class returns is what Jackson would have bound
 * ({@code CanonicalMetadataTest}).
 */
final class CanonicalMetadata {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int FIELDS = StoreMetadata.class.getRecordComponents().length;

    private CanonicalMetadata() {
    }

    /** The metadata in {@code bytes}, or null when Jackson is to read them. */
    static StoreMetadata parse(byte[] bytes) {
        Map<String, Object> f = new HashMap<>();
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Object value = switch (p.nextToken()) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    default -> null;
                };
                if (value == null || f.put(name, value) != null) {
                    return null;
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        if (f.size() != FIELDS || !Long.valueOf(StoreMetadata.FORMAT).equals(f.get("format"))) {
            return null;
        }
        try {
            return new StoreMetadata(int32(f, "format"), text(f, "name"), text(f, "keyCodec"), text(f, "keyType"),
                    text(f, "valueCodec"), text(f, "valueType"), int64(f, "entries"), int32(f, "averageKeySize"),
                    int32(f, "averageValueSize"), float64(f, "maxGrowth"), bool(f, "journal"), text(f, "sync"),
                    text(f, "journalRoll"), int64(f, "retainSeconds"), int64(f, "retainBytes"), text(f, "created"),
                    int64(f, "createdByPid"), text(f, "valueLayout"), int64(f, "ttlMillis"),
                    bool(f, "expireAfterAccess"), int64(f, "maxEntries"), int64(f, "maxBytes"));
        } catch (RuntimeException e) { // a field missing (another one unknown), or of another type, or out of range
            return null;
        }
    }

    private static String text(Map<String, Object> f, String name) {
        return (String) java.util.Objects.requireNonNull(f.get(name));
    }

    private static long int64(Map<String, Object> f, String name) {
        return (Long) f.get(name);
    }

    private static int int32(Map<String, Object> f, String name) {
        return Math.toIntExact((Long) f.get(name));
    }

    private static double float64(Map<String, Object> f, String name) {
        Object v = f.get(name);
        return v instanceof Long l ? l : (Double) v;
    }

    private static boolean bool(Map<String, Object> f, String name) {
        return (Boolean) f.get(name);
    }
}
