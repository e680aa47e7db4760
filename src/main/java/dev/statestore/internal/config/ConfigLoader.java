package dev.statestore.internal.config;

import dev.statestore.ConfigException;
import dev.statestore.Durability;
import dev.statestore.InvalidStoreNameException;
import dev.statestore.JournalRoll;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code statestore.yaml}. Every key is checked: an unknown one is refused naming the closest
 * valid key, a bad value naming the key, the value and the allowed range. {@code -Dstatestore.KEY}
 * system properties and {@code STATESTORE_KEY} environment variables override top-level scalars
 * ({@code dataDir}, {@code groupAccess}) and the metrics endpoint's address
 * ({@code -Dstatestore.metrics.host} / {@code STATESTORE_METRICS_HOST}, {@code metrics.port} /
 * {@code STATESTORE_METRICS_PORT}).
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("dataDir", "groupAccess", "defaults", "stores", "metrics",
            "replication");
    static final List<String> OPTION_KEYS = List.of("entries", "averageKeySize", "averageValueSize", "maxGrowth",
            "journal", "sync", "journalRoll", "journalRetention", "journalRetentionBytes", "ttl", "perEntryTtl",
            "expireAfterAccess", "maxEntries", "maxBytes", "nearCache");
    static final List<String> STORE_KEYS = java.util.stream.Stream.concat(OPTION_KEYS.stream(),
            java.util.stream.Stream.of("keyType", "valueType", "replicate")).toList();
    private static final Pattern SIZE = Pattern.compile("(\\d+) ?([KMGT]i?B?|B)?", Pattern.CASE_INSENSITIVE);
    static final List<String> METRICS_KEYS = List.of("enabled", "host", "port", "percentiles", "timerSampling");

    /**
     * jackson-dataformat-yaml, an optional dependency: an application that builds its StoreConfig in
     * code does without it, so nothing outside {@link #load} touches it.
     */
    private static final String YAML_FACTORY = "com.fasterxml.jackson.dataformat.yaml.YAMLFactory";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigLoader() {
    }

    public static StoreConfig load(Path file, Path dataDirOverride) {
        requireYaml(file);
        JsonNode root;
        try {
            root = YamlReader.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist: pass --config FILE, or create it"
                    + " (config/statestore.yaml in the repository documents every key)", e);
        } catch (IOException e) {
            throw new ConfigException("Config file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        return parse(root, file.toString(), dataDirOverride);
    }

    /** Refuses, naming the dependency to add, when jackson-dataformat-yaml is not on the class path. */
    static void requireYaml(Path file) {
        try {
            Class.forName(YAML_FACTORY, false, ConfigLoader.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException("Reading the config file " + file + " needs jackson-dataformat-yaml, an optional"
                    + " dependency of statestore that is not on the class path: add"
                    + " com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:" + new ObjectMapper().version()
                    + " to the application's dependencies, or build the configuration in code with"
                    + " StoreConfig.builder(dataDir)", e);
        }
    }

    /** Loaded only by {@link #load}, after {@link #requireYaml}. */
    private static final class YamlReader {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    static StoreConfig parse(JsonNode root, String source, Path dataDirOverride) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = NODES.objectNode();
        }
        requireObject(root, "(top level)", source);
        checkKeys(root, "", TOP_KEYS, source);

        String dataDir = override("dataDir", text(root, "dataDir", source, "./data"));
        StoreConfig.Builder builder = StoreConfig.builder(dataDirOverride != null ? dataDirOverride : Path.of(dataDir));
        builder.groupAccess(parseBoolean("groupAccess", override("groupAccess", text(root, "groupAccess", source, "false")), source));
        metrics(root.get("metrics"), builder, source);

        JsonNode defaults = root.get("defaults");
        if (defaults != null && !defaults.isNull()) {
            requireObject(defaults, "defaults", source);
            checkKeys(defaults, "defaults.", OPTION_KEYS, source);
            builder.defaults(options(defaults, "defaults.", source));
        }
        JsonNode stores = root.get("stores");
        java.util.Set<String> localStores = new java.util.TreeSet<>();
        if (stores != null && !stores.isNull()) {
            requireObject(stores, "stores", source);
            for (Map.Entry<String, JsonNode> store : stores.properties()) {
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
                String keyType = type(node, prefix, "keyType", source);
                String valueType = type(node, prefix, "valueType", source);
                if ((keyType == null) != (valueType == null)) {
                    throw new ConfigException(source + ": key " + prefix + (keyType == null ? "keyType" : "valueType")
                            + " is missing: " + prefix + "keyType and " + prefix + "valueType go together (serve"
                            + " creates a missing store with them); set both or neither");
                }
                if (!flag(node, prefix, "replicate", source, true)) {
                    localStores.add(store.getKey());
                }
                builder.store(store.getKey(), options(node, prefix, source), keyType, valueType);
            }
        }
        StoreConfig.Replication replication = ReplicationSection.parse(root.get("replication"), localStores,
                dataDirOverride != null ? dataDirOverride : Path.of(dataDir), source);
        if (replication != null) {
            builder.replication(replication);
        }
        return builder.build();
    }

    /** The {@code metrics:} section: the agent's endpoint. */
    private static void metrics(JsonNode node, StoreConfig.Builder builder, String source) {
        if (node == null || node.isNull()) {
            node = NODES.objectNode();
        }
        requireObject(node, "metrics", source);
        checkKeys(node, "metrics.", METRICS_KEYS, source);
        boolean enabled = flag(node, "metrics.", "enabled", source, true);
        builder.percentileHistograms(flag(node, "metrics.", "percentiles", source, false));
        if (node.has("timerSampling") && !node.get("timerSampling").isNull()) {
            JsonNode v = node.get("timerSampling");
            int n = v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : -1;
            if (n < 1 || n > 1024 || Integer.bitCount(n) != 1) {
                throw new ConfigException(source + ": key metrics.timerSampling = " + v.asText()
                        + " must be a power of two from 1 to 1024 (1 times every operation)");
            }
            builder.timerSampling(n);
        }

        String fileHost = text(node, "host", "metrics.host", source, null);
        String host = override("metrics.host", fileHost);
        String hostOrigin = origin("metrics.host");
        boolean hostExplicit = host != null;
        if (host == null) {
            host = StoreConfig.Metrics.DEFAULT_HOST;
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(source + ": key metrics.host = '" + host + "'" + hostOrigin
                    + " must be an IP address or host name, e.g. 127.0.0.1");
        }

        String filePort = node.has("port") && !node.get("port").isNull() ? portText(node, source) : null;
        String portText = override("metrics.port", filePort);
        String portOrigin = origin("metrics.port");
        int port = StoreConfig.Metrics.DEFAULT_PORT;
        if (portText != null) {
            long value;
            try {
                value = Long.parseLong(portText.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(source + ": key metrics.port = '" + portText + "'" + portOrigin
                        + " must be a whole number between 1 and 65535", e);
            }
            if (value < 1 || value > 65535) {
                throw new ConfigException(source + ": key metrics.port = " + portText + portOrigin
                        + ": must be between 1 and 65535");
            }
            port = (int) value;
        }
        builder.metrics(new StoreConfig.Metrics(enabled, host, port, hostExplicit));
    }

    private static String portText(JsonNode node, String source) {
        JsonNode v = node.get("port");
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        if (v.isNumber()) {
            throw new ConfigException(source + ": key metrics.port = " + v.asText() + " must be a whole number between 1 and 65535");
        }
        throw new ConfigException(source + ": key metrics.port = '" + v.asText() + "' must be a whole number between 1 and 65535");
    }

    /** Where an overriding value came from, for messages: empty when the file's own value is used. */
    private static String origin(String key) {
        if (System.getProperty("statestore." + key) != null) {
            return " (from -Dstatestore." + key + ")";
        }
        return System.getenv(envName(key)) != null ? " (from " + envName(key) + ")" : "";
    }

    private static boolean flag(JsonNode node, String prefix, String key, String source, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + v.asText() + "' must be true or false");
        }
        return v.booleanValue();
    }

    /** A store's {@code keyType} or {@code valueType}, or null when not set. */
    private static String type(JsonNode node, String prefix, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || !StoreConfig.StoreSpec.TYPES.contains(v.textValue())) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + v.asText() + "' must be one of "
                    + String.join(", ", StoreConfig.StoreSpec.TYPES));
        }
        return v.textValue();
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
                b.sync(choice(node, prefix, key, source, Durability.class, "none, async or always"));
            }
            key = "journalRoll";
            if (node.has(key)) {
                b.journalRoll(choice(node, prefix, key, source, JournalRoll.class, "hourly or daily"));
            }
            key = "journalRetention";
            if (node.has(key)) {
                b.journalRetention(duration(node, prefix, key, source));
            }
            key = "journalRetentionBytes";
            if (node.has(key)) {
                b.journalRetentionBytes(size(node, prefix, key, source));
            }
            key = "ttl";
            if (node.has(key)) {
                b.ttl(duration(node, prefix, key, source));
            }
            key = "perEntryTtl";
            if (node.has(key)) {
                b.perEntryTtl(flag(node, prefix, key, source, false));
            }
            key = "expireAfterAccess";
            if (node.has(key)) {
                b.expireAfterAccess(flag(node, prefix, key, source, false));
            }
            key = "maxEntries";
            if (node.has(key)) {
                b.maxEntries(whole(node, prefix, key, source));
            }
            key = "maxBytes";
            if (node.has(key)) {
                b.maxBytes(size(node, prefix, key, source));
            }
            key = "nearCache";
            if (node.has(key)) {
                b.nearCache(whole(node, prefix, key, source));
            }
        } catch (IllegalArgumentException e) {
            // the option's own message ends with ", was <value>": the value is named as written instead
            String rule = String.valueOf(e.getMessage()).replaceFirst(", was [^,]*$", "");
            throw new ConfigException(source + ": key " + prefix + key + " = " + node.get(key).asText() + ": " + rule, e);
        }
        return b.build();
    }

    /** A positive duration: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT30S}). */
    /** The constant of {@code type} the key names, in any case; {@code allowed} lists them for the error. */
    private static <E extends Enum<E>> E choice(JsonNode node, String prefix, String key, String source, Class<E> type,
                                                String allowed) {
        String v = node.get(key).asText();
        try {
            return Enum.valueOf(type, v.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + v + "' must be " + allowed, e);
        }
    }

    private static Duration duration(JsonNode node, String prefix, String key, String source) {
        String text = node.get(key).asText().trim();
        Duration d = Durations.parsePositive(text);
        if (d == null) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + text + "' must be a positive duration"
                    + " such as " + Durations.EXAMPLES);
        }
        return d;
    }

    /**
     * A size in bytes: a whole number, or one with a unit, 1024-based: {@code 512KB}, {@code 64MB},
     * {@code 4GB}, {@code 1TB} (also {@code K}, {@code MiB}... in any case). A size past the range
     * of a long is pinned to its end, as in {@link #whole}, so the option's range check refuses it.
     */
    private static long size(JsonNode node, String prefix, String key, String source) {
        JsonNode v = node.get(key);
        if (v.isNumber()) {
            return whole(node, prefix, key, source);
        }
        String text = v.asText().trim();
        Matcher m = SIZE.matcher(text);
        if (!v.isTextual() || !m.matches()) {
            throw new ConfigException(source + ": key " + prefix + key + " = '" + text + "' must be a size in bytes:"
                    + " a whole number, or one with a unit such as 512KB, 64MB, 4GB or 1TB (1024-based)");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        int shift = switch (unit.charAt(0)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
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
        return text(root, key, key, source, fallback);
    }

    private static String text(JsonNode node, String key, String path, String source, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(source + ": key " + path + " must be a single value, not a section");
        }
        return v.asText();
    }

    private static boolean parseBoolean(String key, String value, String source) {
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigException(source + ": key " + key + " = '" + value + "' must be true or false");
    }

    /** The value of {@code -Dstatestore.KEY}, else of {@code STATESTORE_KEY}, else {@code value}. */
    private static String override(String key, String value) {
        String prop = System.getProperty("statestore." + key);
        if (prop != null) {
            return prop;
        }
        String env = System.getenv(envName(key));
        return env != null ? env : value;
    }

    /** {@code dataDir} -> {@code STATESTORE_DATA_DIR}, {@code metrics.port} -> {@code STATESTORE_METRICS_PORT}. */
    static String envName(String key) {
        return "STATESTORE_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(java.util.Locale.ROOT);
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
