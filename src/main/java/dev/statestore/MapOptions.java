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
    private final JournalRoll journalRoll;
    private final java.time.Duration journalRetention;
    private final Long journalRetentionBytes;
    private final java.time.Duration ttl;
    private final Boolean perEntryTtl;
    private final Boolean expireAfterAccess;
    private final Long maxEntries;
    private final Long maxBytes;
    private final Long nearCache;

    private MapOptions(Builder b) {
        this.entries = b.entries;
        this.averageKeySize = b.averageKeySize;
        this.averageValueSize = b.averageValueSize;
        this.maxGrowth = b.maxGrowth;
        this.journal = b.journal;
        this.sync = b.sync;
        this.journalRoll = b.journalRoll;
        this.journalRetention = b.journalRetention;
        this.journalRetentionBytes = b.journalRetentionBytes;
        this.ttl = b.ttl;
        this.perEntryTtl = b.perEntryTtl;
        this.expireAfterAccess = b.expireAfterAccess;
        this.maxEntries = b.maxEntries;
        this.maxBytes = b.maxBytes;
        this.nearCache = b.nearCache;
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
        b.journalRoll = journalRoll != null ? journalRoll : fallback.journalRoll;
        b.journalRetention = journalRetention != null ? journalRetention : fallback.journalRetention;
        b.journalRetentionBytes = journalRetentionBytes != null ? journalRetentionBytes : fallback.journalRetentionBytes;
        b.ttl = ttl != null ? ttl : fallback.ttl;
        b.perEntryTtl = perEntryTtl != null ? perEntryTtl : fallback.perEntryTtl;
        b.expireAfterAccess = expireAfterAccess != null ? expireAfterAccess : fallback.expireAfterAccess;
        b.maxEntries = maxEntries != null ? maxEntries : fallback.maxEntries;
        b.maxBytes = maxBytes != null ? maxBytes : fallback.maxBytes;
        b.nearCache = nearCache != null ? nearCache : fallback.nearCache;
        return b.build();
    }

    /**
     * Number of entries: when not set, {@link #resolvedMaxEntries} if set, else as many average
     * entries (key and value) as {@link #resolvedMaxBytes} holds if set, else the built-in default.
     */
    public long resolvedEntries() {
        if (entries != null) {
            return entries;
        }
        if (maxEntries != null) {
            return maxEntries;
        }
        if (maxBytes != null) {
            return Math.max(1, maxBytes / ((long) resolvedAverageKeySize() + resolvedAverageValueSize()));
        }
        return DEFAULT_ENTRIES;
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

    public JournalRoll resolvedJournalRoll() {
        return journalRoll != null ? journalRoll : JournalRoll.DAILY;
    }

    /** Journal cycles older than this may be deleted (once checkpointed and read by every named subscription); null: kept. */
    public java.time.Duration resolvedJournalRetention() {
        return journalRetention;
    }

    /** The journal is trimmed, oldest cycle first, to this many bytes (same conditions); 0: no limit. */
    public long resolvedJournalRetentionBytes() {
        return journalRetentionBytes != null ? journalRetentionBytes : 0;
    }

    /** The default time to live of entries (expire after write, or after access); null: none. */
    public java.time.Duration resolvedTtl() {
        return ttl;
    }

    /** Whether entries may expire: a default {@link Builder#ttl} is set or {@link Builder#perEntryTtl} is on. */
    public boolean resolvedExpiring() {
        return ttl != null || Boolean.TRUE.equals(perEntryTtl);
    }

    /** Whether a read restarts an entry's time to live (only with a default {@link Builder#ttl}). */
    public boolean resolvedExpireAfterAccess() {
        return Boolean.TRUE.equals(expireAfterAccess);
    }

    /** The bound on the number of entries (least recently used are evicted past it); 0: unbounded. */
    public long resolvedMaxEntries() {
        return maxEntries != null ? maxEntries : 0;
    }

    /** The bound on the bytes entries take in the map file (least recently used are evicted past it); 0: unbounded. */
    public long resolvedMaxBytes() {
        return maxBytes != null ? maxBytes : 0;
    }

    /** The most values this process keeps in its near cache of the store; 0: no near cache (the default). */
    public long resolvedNearCache() {
        return nearCache != null ? nearCache : 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MapOptions)) {
            return false;
        }
        MapOptions that = (MapOptions) o;
        return Objects.equals(entries, that.entries) && Objects.equals(averageKeySize, that.averageKeySize)
                && Objects.equals(averageValueSize, that.averageValueSize) && Objects.equals(maxGrowth, that.maxGrowth)
                && Objects.equals(journal, that.journal) && sync == that.sync && journalRoll == that.journalRoll
                && Objects.equals(journalRetention, that.journalRetention)
                && Objects.equals(journalRetentionBytes, that.journalRetentionBytes) && Objects.equals(ttl, that.ttl)
                && Objects.equals(perEntryTtl, that.perEntryTtl)
                && Objects.equals(expireAfterAccess, that.expireAfterAccess) && Objects.equals(maxEntries, that.maxEntries)
                && Objects.equals(maxBytes, that.maxBytes) && Objects.equals(nearCache, that.nearCache);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, averageKeySize, averageValueSize, maxGrowth, journal, sync, journalRoll,
                journalRetention, journalRetentionBytes, ttl, perEntryTtl, expireAfterAccess, maxEntries, maxBytes, nearCache);
    }

    @Override
    public String toString() {
        return "MapOptions{entries=" + entries + ", averageKeySize=" + averageKeySize
                + ", averageValueSize=" + averageValueSize + ", maxGrowth=" + maxGrowth + ", journal=" + journal
                + ", sync=" + sync + ", journalRoll=" + journalRoll + ", journalRetention=" + journalRetention
                + ", journalRetentionBytes=" + journalRetentionBytes + ", ttl=" + ttl + ", perEntryTtl=" + perEntryTtl
                + ", expireAfterAccess=" + expireAfterAccess + ", maxEntries=" + maxEntries + ", maxBytes=" + maxBytes
                + ", nearCache=" + nearCache + "}";
    }

    /** Builds {@link MapOptions}; each option may be set once and is checked when set. */
    public static final class Builder {
        private Long entries;
        private Integer averageKeySize;
        private Integer averageValueSize;
        private Double maxGrowth;
        private Boolean journal;
        private Durability sync;
        private JournalRoll journalRoll;
        private java.time.Duration journalRetention;
        private Long journalRetentionBytes;
        private java.time.Duration ttl;
        private Boolean perEntryTtl;
        private Boolean expireAfterAccess;
        private Long maxEntries;
        private Long maxBytes;
        private Long nearCache;

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

        /** How often the journal starts a new file (default daily); fixed when the store is created. */
        public Builder journalRoll(JournalRoll roll) {
            requireUnset("journalRoll", this.journalRoll);
            this.journalRoll = Objects.requireNonNull(roll, "roll");
            return this;
        }

        /**
         * Journal cycles older than {@code age} are deleted by {@code checkpoint} (and the agent) once a
         * checkpoint covers them and every named subscription has read them. Default: kept forever.
         */
        public Builder journalRetention(java.time.Duration age) {
            requireUnset("journalRetention", this.journalRetention);
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("journalRetention must be positive, was " + age);
            }
            this.journalRetention = age;
            return this;
        }

        /** As {@link #journalRetention}, by size: oldest cycles go first until the journal fits (1 MiB or more). */
        public Builder journalRetentionBytes(long bytes) {
            requireUnset("journalRetentionBytes", this.journalRetentionBytes);
            this.journalRetentionBytes = checkRange("journalRetentionBytes", bytes, 1L << 20, Long.MAX_VALUE);
            return this;
        }

        /**
         * The default time to live of entries (1 ms or more): an entry written without its own TTL
         * expires this long after it was written (or last read, with {@link #expireAfterAccess}).
         * Turns on expiry for the store: entries carry an absolute deadline, which holds across
         * restarts; expired entries are never returned and are removed by a sweeper, journaled as
         * {@link ChangeType#EXPIRE}. Fixed when the store is created.
         */
        public Builder ttl(java.time.Duration ttl) {
            requireUnset("ttl", this.ttl);
            if (ttl.isNegative() || ttl.toMillis() < 1) {
                throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * Whether entries may carry their own time to live ({@link StoreMap#put(Object, Object,
         * java.time.Duration)}) in a store without a default {@link #ttl}. Fixed when the store is created.
         */
        public Builder perEntryTtl(boolean perEntryTtl) {
            requireUnset("perEntryTtl", this.perEntryTtl);
            this.perEntryTtl = perEntryTtl;
            return this;
        }

        /**
         * Whether a read (get, containsKey, compute...) restarts an entry's default time to live
         * (default false: expire after write). Needs {@link #ttl}. Fixed when the store is created.
         */
        public Builder expireAfterAccess(boolean expireAfterAccess) {
            requireUnset("expireAfterAccess", this.expireAfterAccess);
            this.expireAfterAccess = expireAfterAccess;
            return this;
        }

        /**
         * Bounds the store to this many entries (1 to 2^40): past it, the least recently used
         * entries are evicted, journaled as {@link ChangeType#EVICT}. Fixed when the store is
         * created; {@link #entries} defaults to this bound.
         */
        public Builder maxEntries(long maxEntries) {
            requireUnset("maxEntries", this.maxEntries);
            this.maxEntries = checkRange("maxEntries", maxEntries, 1, 1L << 40);
            return this;
        }

        /**
         * Bounds the bytes the store's entries take in its map file (1 to 2^50): past it, the least
         * recently used entries are evicted, journaled as {@link ChangeType#EVICT}. The bytes are
         * Chronicle Map's allocation for each entry: key, value, a 16-byte expiry/access header and
         * Chronicle's own size fields and checksum, rounded up to whole chunks. Combines with
         * {@link #maxEntries}: either bound evicts. Fixed when the store is created; when
         * {@link #entries} and {@link #maxEntries} are not set, entries default to {@code maxBytes}
         * over the average key plus value size. The store must be able to hold it: creation
         * fails when {@code maxBytes} is more than {@code entries x maxGrowth} average entries, or
         * too small for one average entry per segment.
         */
        public Builder maxBytes(long maxBytes) {
            requireUnset("maxBytes", this.maxBytes);
            this.maxBytes = checkRange("maxBytes", maxBytes, 1, 1L << 50);
            return this;
        }

        /**
         * Keeps, in this process, up to {@code maxEntries} (1 to 2^30) values of the store decoded on
         * the heap, each checked before use against its key's version in shared memory, which every
         * writer of the key bumps, in any process: a read never returns a value older than a write
         * that returned before it started. A setting of this process's handle, not of the store:
         * applied whenever this process opens the store (new or existing), never stored in its files.
         * Off unless set. Refused for stores whose reads change shared state ({@code expireAfterAccess},
         * {@code maxEntries}, {@code maxBytes}).
         */
        public Builder nearCache(long maxEntries) {
            requireUnset("nearCache", this.nearCache);
            this.nearCache = checkRange("nearCache", maxEntries, 1, 1L << 30);
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
