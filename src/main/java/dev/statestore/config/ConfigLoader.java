package dev.statestore.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.statestore.ConfigException;
import dev.statestore.Durability;
import dev.statestore.InvalidStoreNameException;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code statestore.yaml}. Every key is checked: an unknown one is refused naming the closest
 * valid key, a bad value naming the key, the value and the allowed range. {@code -Dstatestore.KEY}
 * system properties and {@code STATESTORE_KEY} environment variables override top-level scalars
 * ({@code dataDir}, {@code groupAccess}).
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("dataDir", "groupAccess", "defaults", "stores");
    static final List<String> OPTION_KEYS = List.of("entries", "averageKeySize", "averageValueSize", "maxGrowth",
            "journal", "sync");
    static final List<String> STORE_KEYS = OPTION_KEYS;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    public static StoreConfig load(Path file, Path dataDirOverride) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist: pass --config FILE, or create it"
                    + " (config/statestore.yaml in the repository documents every key)", e);
        } catch (IOException e) {
            throw new ConfigException("Config file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        return parse(root, file.toString(), dataDirOverride);
    }

    static StoreConfig parse(JsonNode root, String source, Path dataDirOverride) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = YAML.createObjectNode();
        }
        requireObject(root, "(top level)", source);
        checkKeys(root, "", TOP_KEYS, source);

        String dataDir = override("dataDir", text(root, "dataDir", source, "./data"));
        StoreConfig.Builder builder = StoreConfig.builder(dataDirOverride != null ? dataDirOverride : Path.of(dataDir));
        builder.groupAccess(parseBoolean("groupAccess", override("groupAccess", text(root, "groupAccess", source, "false")), source));

        JsonNode defaults = root.get("defaults");
        if (defaults != null && !defaults.isNull()) {
            requireObject(defaults, "defaults", source);
            checkKeys(defaults, "defaults.", OPTION_KEYS, source);
            builder.defaults(options(defaults, "defaults.", source));
        }
        JsonNode stores = root.get("stores");
        if (stores != null && !stores.isNull()) {
            requireObject(stores, "stores", source);
            for (Iterator<Map.Entry<String, JsonNode>> it = stores.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> store = it.next();
                String prefix = "stores." + store.getKey() + ".";
                try {
                    StoreConfig.checkStoreName(store.getKey());
                } catch (InvalidStoreNameException e) {
                    throw new ConfigException(source + ": key stores." + store.getKey() + ": " + e.getMessage(), e);
                }
                JsonNode node = store.getValue();
                if (node == null || node.isNull()) {
                    builder.store(store.getKey(), MapOptions.defaults());
                    continue;
                }
                requireObject(node, "stores." + store.getKey(), source);
                checkKeys(node, prefix, STORE_KEYS, source);
                builder.store(store.getKey(), options(node, prefix, source));
            }
        }
        return builder.build();
    }

    private static MapOptions options(JsonNode node, String prefix, String source) {
        MapOptions.Builder b = MapOptions.builder();
        String key = null;
        try {
            key = "entries";
            if (node.has(key)) {
                b.entries(whole(node, prefix, key, source));
            }
            key = "averageKeySize";
            if (node.has(key)) {
                b.averageKeySize(saturatedInt(whole(node, prefix, key, source)));
            }
            key = "averageValueSize";
            if (node.has(key)) {
                b.averageValueSize(saturatedInt(whole(node, prefix, key, source)));
            }
            key = "maxGrowth";
            if (node.has(key)) {
                b.maxGrowth(number(node, prefix, key, source).doubleValue());
            }
            key = "journal";
            if (node.has(key)) {
                JsonNode v = node.get(key);
                if (!v.isBoolean()) {
                    throw new ConfigException(source + ": key " + prefix + key + " = '" + v.asText() + "' must be true or false");
                }
                b.journal(v.booleanValue());
            }
            key = "sync";
            if (node.has(key)) {
                String v = node.get(key).asText();
                try {
                    b.sync(Durability.valueOf(v.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(source + ": key " + prefix + key + " = '" + v + "' must be none, async or always", e);
                }
            }
        } catch (IllegalArgumentException e) {
            // the option's own message ends with ", was <value>": the value is named as written instead
            String rule = String.valueOf(e.getMessage()).replaceFirst(", was [^,]*$", "");
            throw new ConfigException(source + ": key " + prefix + key + " = " + node.get(key).asText() + ": " + rule, e);
        }
        return b.build();
    }

    private static Number number(JsonNode node, String prefix, String key, String source) {
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + v.asText() + "' must be a number");
        }
        return v.numberValue();
    }

    /**
     * The value of a whole-number key. A fraction is refused rather than truncated; a value past
     * the range of a long is pinned to the nearer end, so that the option's range check refuses it
     * (naming the allowed range) instead of it wrapping around into a valid value.
     */
    private static long whole(JsonNode node, String prefix, String key, String source) {
        Number n = number(node, prefix, key, source);
        JsonNode v = node.get(key);
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? n.longValue() : v.bigIntegerValue().signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        double d = n.doubleValue();
        if (d != Math.rint(d)) {
            throw new ConfigException(source + ": key " + prefix + key + " = " + v.asText() + " must be a whole number");
        }
        return (long) d; // saturates at the ends of the long range
    }

    /** {@code value} pinned to the int range, for the same reason as in {@link #whole}. */
    private static int saturatedInt(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    private static String text(JsonNode root, String key, String source, String fallback) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(source + ": key " + key + " must be a single value, not a section");
        }
        return v.asText();
    }

    private static boolean parseBoolean(String key, String value, String source) {
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigException(source + ": key " + key + " = '" + value + "' must be true or false");
    }

    private static String override(String key, String value) {
        String prop = System.getProperty("statestore." + key);
        if (prop != null) {
            return prop;
        }
        String env = System.getenv("STATESTORE_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
        return env != null ? env : value;
    }

    private static void requireObject(JsonNode node, String where, String source) {
        if (!node.isObject()) {
            throw new ConfigException(source + ": " + where + " must be a section of keys, was '" + node.asText() + "'");
        }
    }

    static void checkKeys(JsonNode node, String prefix, List<String> valid, String source) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!valid.contains(key)) {
                throw new ConfigException(source + ": unknown key '" + prefix + key + "'"
                        + " (did you mean '" + prefix + closest(key, valid) + "'?); valid keys here: " + String.join(", ", valid));
            }
        }
    }

    static String closest(String key, List<String> valid) {
        String best = valid.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            int d = distance(key.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
