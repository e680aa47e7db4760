package dev.statestore;

import dev.statestore.internal.Factory;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the stores live and how new ones are sized. Built in code or read from the YAML config
 * file ({@code config/statestore.yaml}) with {@link #load(Path)}.
 *
 * <pre>{@code
 * StoreConfig config = StoreConfig.builder(Path.of("data"))
 *         .defaults(MapOptions.builder().entries(1_000_000).build())
 *         .store("sessions", MapOptions.builder().averageValueSize(2048).build())
 *         .groupAccess(true)
 *         .build();
 * }</pre>
 */
public final class StoreConfig {
    /** What a store name must match. */
    public static final Pattern STORE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path dataDir;
    private final MapOptions defaults;
    private final Map<String, MapOptions> stores;
    private final Map<String, StoreSpec> storeSpecs;
    private final boolean groupAccess;
    private final boolean percentileHistograms;
    private final int timerSampling;
    private final Metrics metrics;
    private final Replication replication;

    private StoreConfig(Builder b) {
        this.percentileHistograms = b.percentileHistograms != null && b.percentileHistograms;
        this.timerSampling = b.timerSampling != null ? b.timerSampling : DEFAULT_TIMER_SAMPLING;
        this.dataDir = b.dataDir;
        this.defaults = b.defaults;
        this.stores = Map.copyOf(b.stores);
        this.storeSpecs = Collections.unmodifiableMap(new LinkedHashMap<>(b.storeSpecs));
        this.groupAccess = b.groupAccess;
        this.metrics = b.metrics != null ? b.metrics : Metrics.DEFAULT;
        this.replication = b.replication;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * Reads a YAML config file. Unknown keys and out-of-range values are refused with
     * {@link ConfigException} naming the key and the fix.
     *
     * @param file the YAML file
     * @param dataDirOverride the data directory to use instead of the file's, or null
     */
    public static StoreConfig load(Path file, Path dataDirOverride) {
        return Factory.loadConfig(file, dataDirOverride);
    }

    public static StoreConfig load(Path file) {
        return load(file, null);
    }

    public Path dataDir() {
        return dataDir;
    }

    public MapOptions defaults() {
        return defaults;
    }

    /** Per-store options from the config, keyed by store name. */
    public Map<String, MapOptions> stores() {
        return stores;
    }

    /**
     * The stores named in the config, in the order given, with their options and, where set, the
     * key and value types {@code serve} creates them with.
     */
    public Map<String, StoreSpec> storeSpecs() {
        return storeSpecs;
    }

    /** The agent's metrics endpoint ({@code serve}). */
    public Metrics metrics() {
        return metrics;
    }

    /**
     * Replication of the stores between hosts through Apache Kafka, done by the agent ({@code serve});
     * null when the config has no {@code replication:} section (the default: no replication).
     */
    public Replication replication() {
        return replication;
    }

    /** Whether files are created group-readable and -writable (0660, directories 0770) instead of 0600/0700. */
    public boolean groupAccess() {
        return groupAccess;
    }

    /** Whether latency timers publish percentile histograms (off by default: they cost memory and scrape size). */
    public boolean percentileHistograms() {
        return percentileHistograms;
    }

    /** Latency timers are fed by one operation in this many (a power of two); counters count every one. */
    public int timerSampling() {
        return timerSampling;
    }

    /**
     * Default of {@link #timerSampling()}: a timer record costs more than a get's whole budget for
     * instrumentation, so one get in 16 is timed (the measured overhead of a bound registry was 16 %
     * when every get was timed).
     */
    public static final int DEFAULT_TIMER_SAMPLING = 16;

    /** The options a store named {@code name} is created with when the caller passes {@code requested}. */
    public MapOptions optionsFor(String name, MapOptions requested) {
        return requested.orElse(stores.getOrDefault(name, MapOptions.EMPTY)).orElse(defaults);
    }

    /**
     * Checks a store name.
     *
     * @throws InvalidStoreNameException when it does not match {@link #STORE_NAME}
     */
    public static String checkStoreName(String name) {
        if (name == null || !STORE_NAME.matcher(name).matches()) {
            throw new InvalidStoreNameException("Invalid store name '" + name + "': a name is 1 to 64 characters"
                    + " of a-z, 0-9, '.', '_' and '-', starting with a letter or digit (pattern [a-z0-9][a-z0-9._-]{0,63})");
        }
        return name;
    }

    /**
     * A store named in the config.
     *
     * @param keyType codec id of the keys ({@link #TYPES}) a missing store is created with by {@code serve}, or null
     * @param valueType codec id of the values, or null; set together with {@code keyType}
     */
    public record StoreSpec(String name, MapOptions options, String keyType, String valueType) {
        /** The key and value types a config may name: the built-in codecs. */
        public static final List<String> TYPES = List.of("string", "bytes", "int64", "int32");

        public StoreSpec {
            checkStoreName(name);
            Objects.requireNonNull(options, "options");
            if ((keyType == null) != (valueType == null)) {
                throw new IllegalArgumentException("store " + name + ": keyType and valueType go together: set both"
                        + " (serve creates the store with them) or neither");
            }
            if (keyType != null && (!TYPES.contains(keyType) || !TYPES.contains(valueType))) {
                throw new IllegalArgumentException("store " + name + ": types must be one of " + String.join(", ", TYPES)
                        + ", was " + keyType + " -> " + valueType);
            }
        }

        /** Whether the config names the store's types, so that {@code serve} can create it. */
        public boolean typed() {
            return keyType != null;
        }
    }

    /**
     * The agent's HTTP endpoint for {@code /metrics} and {@code /health}.
     *
     * @param enabled whether {@code serve} listens at all
     * @param host the address to bind: loopback unless set explicitly
     * @param port 1 to 65535
     * @param hostExplicit whether the host was set by the operator (config file, {@code -D} or
     *     environment) rather than defaulted; a non-loopback host is only used when it was
     */
    public record Metrics(boolean enabled, String host, int port, boolean hostExplicit) {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 9464;
        public static final Metrics DEFAULT = new Metrics(true, DEFAULT_HOST, DEFAULT_PORT, false);

        public Metrics {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host must be an address or host name without spaces, was '" + host + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
            }
        }
    }

    /**
     * The agent's replication of stores between hosts through Apache Kafka (README, "Several hosts").
     *
     * @param hostId this data directory's name among the hosts: recorded as the origin of its changes
     * @param topicPrefix one topic per store, {@code <topicPrefix><store>}
     * @param kafka Kafka client properties, passed through as given (bootstrap.servers, TLS, SASL...)
     * @param localStores stores the agent does not replicate ({@code replicate: false} under {@code stores:})
     */
    public record Replication(String hostId, String topicPrefix, Map<String, String> kafka, java.util.Set<String> localStores) {
        public static final String DEFAULT_TOPIC_PREFIX = "statestore.";
        /** What a host id must match. */
        public static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        /** What a topic prefix must match (Kafka's legal topic characters; a store name follows it). */
        public static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,120}");

        public Replication {
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            if (!HOST_ID.matcher(hostId).matches()) {
                throw new IllegalArgumentException("hostId must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-',"
                        + " starting with a letter or digit, was '" + hostId + "'");
            }
            if (!TOPIC_PREFIX.matcher(topicPrefix).matches()) {
                throw new IllegalArgumentException("topicPrefix must be at most 120 characters of A-Z, a-z, 0-9, '.', '_'"
                        + " and '-' (Kafka's topic characters), was '" + topicPrefix + "'");
            }
            kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
            if (kafka.get("bootstrap.servers") == null || kafka.get("bootstrap.servers").isBlank()) {
                throw new IllegalArgumentException("kafka.bootstrap.servers is missing: set it to the brokers' host:port"
                        + " list, e.g. 127.0.0.1:9092");
            }
            localStores = java.util.Set.copyOf(localStores);
        }

        /** Whether the agent replicates store {@code name}. */
        public boolean replicates(String name) {
            return !localStores.contains(name);
        }

        /**
         * The host id used when the config sets none: this host's name and a digest of the data
         * directory's absolute path, so two data directories on one host are two hosts.
         */
        public static String defaultHostId(Path dataDir) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "host";
            }
            host = host.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[^A-Za-z0-9]+", "");
            if (host.isEmpty()) {
                host = "host";
            }
            host = host.length() > 50 ? host.substring(0, 50) : host;
            int digest = dataDir.toAbsolutePath().normalize().toString().hashCode();
            return host + "-" + String.format("%08x", digest);
        }
    }

    /** Builds a {@link StoreConfig}; each setting may be made once. */
    public static final class Builder {
        private final Path dataDir;
        private MapOptions defaults = MapOptions.EMPTY;
        private boolean defaultsSet;
        private final Map<String, MapOptions> stores = new LinkedHashMap<>();
        private final Map<String, StoreSpec> storeSpecs = new LinkedHashMap<>();
        private Boolean groupAccess;
        private Metrics metrics;
        private Boolean percentileHistograms;
        private Integer timerSampling;
        private Replication replication;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        public Builder defaults(MapOptions options) {
            if (defaultsSet) {
                throw new IllegalStateException("defaults was already set to " + defaults);
            }
            this.defaults = Objects.requireNonNull(options, "options");
            this.defaultsSet = true;
            return this;
        }

        public Builder store(String name, MapOptions options) {
            return store(new StoreSpec(name, options, null, null));
        }

        /** A store with the key and value types ({@link StoreSpec#TYPES}) {@code serve} creates it with. */
        public Builder store(String name, MapOptions options, String keyType, String valueType) {
            return store(new StoreSpec(name, options, keyType, valueType));
        }

        private Builder store(StoreSpec spec) {
            if (stores.containsKey(spec.name())) {
                throw new IllegalStateException("store " + spec.name() + " was already set to " + stores.get(spec.name()));
            }
            stores.put(spec.name(), spec.options());
            storeSpecs.put(spec.name(), spec);
            return this;
        }

        public Builder metrics(Metrics metrics) {
            if (this.metrics != null) {
                throw new IllegalStateException("metrics was already set to " + this.metrics);
            }
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Replicates the stores through Apache Kafka when the agent runs ({@link Replication}). */
        public Builder replication(Replication replication) {
            if (this.replication != null) {
                throw new IllegalStateException("replication was already set to " + this.replication);
            }
            this.replication = Objects.requireNonNull(replication, "replication");
            return this;
        }

        public Builder groupAccess(boolean groupAccess) {
            if (this.groupAccess != null) {
                throw new IllegalStateException("groupAccess was already set to " + this.groupAccess);
            }
            this.groupAccess = groupAccess;
            return this;
        }

        /** Time one operation in {@code every} (a power of two, 1 to 1024); default 16. */
        public Builder timerSampling(int every) {
            if (this.timerSampling != null) {
                throw new IllegalStateException("timerSampling was already set to " + this.timerSampling);
            }
            if (every < 1 || every > 1024 || Integer.bitCount(every) != 1) {
                throw new IllegalArgumentException("timerSampling must be a power of two from 1 to 1024, was " + every);
            }
            this.timerSampling = every;
            return this;
        }

        public Builder percentileHistograms(boolean on) {
            if (this.percentileHistograms != null) {
                throw new IllegalStateException("percentileHistograms was already set to " + this.percentileHistograms);
            }
            this.percentileHistograms = on;
            return this;
        }

        public StoreConfig build() {
            if (groupAccess == null) {
                groupAccess = false;
            }
            return new StoreConfig(this);
        }
    }
}
