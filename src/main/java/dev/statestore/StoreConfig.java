package dev.statestore;

import dev.statestore.config.ConfigLoader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private final boolean groupAccess;
    private final boolean percentileHistograms;

    private StoreConfig(Builder b) {
        this.percentileHistograms = b.percentileHistograms != null && b.percentileHistograms;
        this.dataDir = b.dataDir;
        this.defaults = b.defaults;
        this.stores = Map.copyOf(b.stores);
        this.groupAccess = b.groupAccess;
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
        return ConfigLoader.load(file, dataDirOverride);
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

    /** Whether files are created group-readable and -writable (0660, directories 0770) instead of 0600/0700. */
    public boolean groupAccess() {
        return groupAccess;
    }

    /** Whether latency timers publish percentile histograms (off by default: they cost memory and scrape size). */
    public boolean percentileHistograms() {
        return percentileHistograms;
    }

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

    /** Builds a {@link StoreConfig}; each setting may be made once. */
    public static final class Builder {
        private final Path dataDir;
        private MapOptions defaults = MapOptions.EMPTY;
        private boolean defaultsSet;
        private final Map<String, MapOptions> stores = new LinkedHashMap<>();
        private Boolean groupAccess;
        private Boolean percentileHistograms;

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
            checkStoreName(name);
            if (stores.containsKey(name)) {
                throw new IllegalStateException("store " + name + " was already set to " + stores.get(name));
            }
            stores.put(name, Objects.requireNonNull(options, "options"));
            return this;
        }

        public Builder groupAccess(boolean groupAccess) {
            if (this.groupAccess != null) {
                throw new IllegalStateException("groupAccess was already set to " + this.groupAccess);
            }
            this.groupAccess = groupAccess;
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
