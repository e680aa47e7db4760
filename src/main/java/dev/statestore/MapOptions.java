package dev.statestore;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How a store is sized when it is created. Options left unset fall back to the defaults of the
 * {@link StoreConfig} (the config file's {@code defaults:} section), then to the built-in defaults.
 * Options only matter when a store is created; attaching to an existing store uses what its
 * creator chose, which its metadata records.
 *
 * <pre>{@code
 * MapOptions.builder().entries(1_000_000).averageKeySize(16).averageValueSize(120).build()
 * }</pre>
 */
public final class MapOptions {
    /** Built-in default number of entries a store is sized for. */
    public static final long DEFAULT_ENTRIES = 100_000;
    /** Built-in default average key size in bytes (keys of variable size only). */
    public static final int DEFAULT_AVERAGE_KEY_SIZE = 32;
    /** Built-in default average value size in bytes (values of variable size only). */
    public static final int DEFAULT_AVERAGE_VALUE_SIZE = 256;
    /** Built-in default growth allowance: a store takes up to this many times {@code entries}. */
    public static final double DEFAULT_MAX_GROWTH = 10.0;

    static final MapOptions EMPTY = new Builder().build();

    private final Long entries;
    private final Integer averageKeySize;
    private final Integer averageValueSize;
    private final Double maxGrowth;
    private final Boolean journal;
    private final Durability sync;

    private MapOptions(Builder b) {
        this.entries = b.entries;
        this.averageKeySize = b.averageKeySize;
        this.averageValueSize = b.averageValueSize;
        this.maxGrowth = b.maxGrowth;
        this.journal = b.journal;
        this.sync = b.sync;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No option set: everything comes from the config defaults. */
    public static MapOptions defaults() {
        return EMPTY;
    }

    public OptionalLong entries() {
        return entries == null ? OptionalLong.empty() : OptionalLong.of(entries);
    }

    public OptionalInt averageKeySize() {
        return averageKeySize == null ? OptionalInt.empty() : OptionalInt.of(averageKeySize);
    }

    public OptionalInt averageValueSize() {
        return averageValueSize == null ? OptionalInt.empty() : OptionalInt.of(averageValueSize);
    }

    public OptionalDouble maxGrowth() {
        return maxGrowth == null ? OptionalDouble.empty() : OptionalDouble.of(maxGrowth);
    }

    public Optional<Boolean> journal() {
        return Optional.ofNullable(journal);
    }

    public Optional<Durability> sync() {
        return Optional.ofNullable(sync);
    }

    /** These options, with every unset one taken from {@code fallback}. */
    public MapOptions orElse(MapOptions fallback) {
        Builder b = new Builder();
        b.entries = entries != null ? entries : fallback.entries;
        b.averageKeySize = averageKeySize != null ? averageKeySize : fallback.averageKeySize;
        b.averageValueSize = averageValueSize != null ? averageValueSize : fallback.averageValueSize;
        b.maxGrowth = maxGrowth != null ? maxGrowth : fallback.maxGrowth;
        b.journal = journal != null ? journal : fallback.journal;
        b.sync = sync != null ? sync : fallback.sync;
        return b.build();
    }

    /** Number of entries, resolved against the built-in default. */
    public long resolvedEntries() {
        return entries != null ? entries : DEFAULT_ENTRIES;
    }

    public int resolvedAverageKeySize() {
        return averageKeySize != null ? averageKeySize : DEFAULT_AVERAGE_KEY_SIZE;
    }

    public int resolvedAverageValueSize() {
        return averageValueSize != null ? averageValueSize : DEFAULT_AVERAGE_VALUE_SIZE;
    }

    public double resolvedMaxGrowth() {
        return maxGrowth != null ? maxGrowth : DEFAULT_MAX_GROWTH;
    }

    /** Whether the store keeps a change journal; default true. */
    public boolean resolvedJournal() {
        return journal == null || journal;
    }

    /** When the journal is forced to disk; default {@link Durability#ASYNC}. */
    public Durability resolvedSync() {
        return sync != null ? sync : Durability.ASYNC;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MapOptions)) {
            return false;
        }
        MapOptions that = (MapOptions) o;
        return Objects.equals(entries, that.entries) && Objects.equals(averageKeySize, that.averageKeySize)
                && Objects.equals(averageValueSize, that.averageValueSize) && Objects.equals(maxGrowth, that.maxGrowth)
                && Objects.equals(journal, that.journal) && sync == that.sync;
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, averageKeySize, averageValueSize, maxGrowth, journal, sync);
    }

    @Override
    public String toString() {
        return "MapOptions{entries=" + entries + ", averageKeySize=" + averageKeySize
                + ", averageValueSize=" + averageValueSize + ", maxGrowth=" + maxGrowth + ", journal=" + journal
                + ", sync=" + sync + "}";
    }

    /** Builds {@link MapOptions}; each option may be set once and is checked when set. */
    public static final class Builder {
        private Long entries;
        private Integer averageKeySize;
        private Integer averageValueSize;
        private Double maxGrowth;
        private Boolean journal;
        private Durability sync;

        private Builder() {
        }

        /** How many entries the store is sized for (1 to 2^40). */
        public Builder entries(long entries) {
            requireUnset("entries", this.entries);
            this.entries = checkRange("entries", entries, 1, 1L << 40);
            return this;
        }

        /** Average encoded key size in bytes (1 to 1 MiB); ignored for fixed-size keys (Long, Integer). */
        public Builder averageKeySize(int bytes) {
            requireUnset("averageKeySize", this.averageKeySize);
            this.averageKeySize = (int) checkRange("averageKeySize", bytes, 1, 1 << 20);
            return this;
        }

        /** Average encoded value size in bytes (1 to 64 MiB); ignored for fixed-size values. */
        public Builder averageValueSize(int bytes) {
            requireUnset("averageValueSize", this.averageValueSize);
            this.averageValueSize = (int) checkRange("averageValueSize", bytes, 1, 1 << 26);
            return this;
        }

        /**
         * How far past {@code entries} the store may grow before it is full (1.0 to 1000.0): the
         * file grows in steps while processes stay attached.
         */
        public Builder maxGrowth(double factor) {
            requireUnset("maxGrowth", this.maxGrowth);
            if (!(factor >= 1.0 && factor <= 1000.0)) {
                throw new IllegalArgumentException("maxGrowth must be between 1.0 and 1000.0, was " + factor);
            }
            this.maxGrowth = factor;
            return this;
        }

        /**
         * Whether the store keeps a change journal (default true). Without one the store is a pure
         * cache: faster writes, but no subscriptions, no verify, no rebuild.
         */
        public Builder journal(boolean journal) {
            requireUnset("journal", this.journal);
            this.journal = journal;
            return this;
        }

        /** When the journal is forced to disk (default {@link Durability#ASYNC}); see {@link Durability}. */
        public Builder sync(Durability sync) {
            requireUnset("sync", this.sync);
            this.sync = Objects.requireNonNull(sync, "sync");
            return this;
        }

        public MapOptions build() {
            return new MapOptions(this);
        }

        private static void requireUnset(String option, Object current) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current);
            }
        }

        private static long checkRange(String option, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
