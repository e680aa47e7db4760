package dev.statestore.internal.near;

import dev.statestore.Codec;
import dev.statestore.ConfigException;
import dev.statestore.internal.codec.BuiltinCodecs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * This process's near cache of one store: decoded values on the heap, each tagged with its key's
 * version ({@link VersionTable#tag}) read while the value was read under the key's stripe. A copy
 * is used only while the key's version still equals its tag and its deadline has not passed;
 * otherwise the caller reads the map under the stripe and refills the copy with the tag it read
 * there, while it still holds the stripe.
 *
 * <h2>Why a read through it is never stale</h2>
 * Every change of an entry, in any process, bumps its key's version first, under the stripe (see
 * {@link VersionTable}). A reader that finds the version equal to a copy's tag therefore runs
 * before any change of the key that came after the copy was read (a change whose bump the reader
 * has not seen has not returned yet): the copy is the key's value at the instant of the version
 * load. A writer killed after its bump leaves a version no copy carries: a miss, never a stale copy.
 *
 * <h2>The table</h2>
 * A set-associative table of its own, on the heap, in parallel arrays indexed by the key's Java hash
 * code (see {@link #heapHash}); each way keeps Chronicle's hash of the key too, the one its version
 * slot comes from:
 * <pre>
 *  buckets (long[], 64 bytes a bucket)        per way i = bucket * 7 + w (parallel arrays)
 *  +-------+------+------+-----+------+       tags[i]        the copy's tag
 *                                             keyHashes[i]   Chronicle's hash of the key
 *  | seq   | h0   | h1   | ... | h6   |       keys[i]        the key (null: an empty way)
 *  +-------+------+------+-----+------+       values[i]      the copy ({@link #copyOut}), or a Timed
 *  seq: even = stable, odd = being written    uses[i]        0-15: raised by hits, lowered by eviction scans
 * </pre>
 * A key may be in one of two buckets (from two parts of its hash): a fill puts a new key into the
 * one with fewer keys, so a table of {@value #SLACK_PERCENT} % of the bound's ways holds nearly
 * all the bound's keys (measured: 99.5 % of 1M keys, each read once; one bucket per key would keep
 * 86-92 %, simulated). A
 * hit loads, in dependent steps: the key's object (its cached hash code), the two buckets' lines
 * (independent loads, which the processor overlaps), the way's tag, key hash and value
 * references, then the key's version in shared memory and the value (overlapped). Against
 * Caffeine's hash table, node, policy node and our slot before, and the key's bytes for
 * Chronicle's hash: two dependent steps fewer, and no write.
 *
 * <h2>Concurrency</h2>
 * Reads take no lock: each bucket is a seqlock. A reader loads the bucket's {@code seq}, reads the
 * way, copies the value out (into the caller's array for {@code byte[]}), then checks that
 * {@code seq} has not changed; a changed or odd one means a fill ran meanwhile, and the read tries
 * again (a few times, then it is a miss). Fills of one key are serialized by its stripe, which
 * the filler holds; fills of keys that share a bucket take the bucket (its {@code seq} from even
 * to odd by a compare-and-swap) for the few writes they make. A refill of a {@code byte[]} value of
 * the same length rewrites the kept array in place: refills allocate nothing (a new array per
 * refill was promoted by every young collection, and halved the mixed workloads' throughput).
 *
 * <h2>Replacement</h2>
 * When both buckets of a new key are full, or the table holds its bound, the key replaces one of
 * its buckets' keys chosen by a generalized CLOCK scan from a random way over both buckets: each
 * way has a count of uses (0 to {@value #MAX_USES}), raised by each hit until it is at the most
 * (hot keys then write nothing), lowered by one each time a scan passes it; the first way found at
 * zero is replaced, and a new copy starts at zero. So keys read once go first, and a key read
 * often survives as many scans as its count: per pair of buckets, least-recently-used with some
 * regard for frequency (hit ratios against Caffeine and an exact LRU: BENCHMARKS.md).
 *
 * <h2>What a copy holds</h2>
 * {@code String}, {@code Long} and {@code Integer} values as they are (immutable); {@code byte[]}
 * values as a private array, copied out on every hit (callers may change what they get); values
 * of any other codec as their encoded bytes, decoded on every hit, so each caller gets its own
 * object as without a near cache. Keys as stored ({@code byte[]} keys as a private copy).
 */
public final class NearCache {
    /** What {@link #read} returns when there is no usable copy (a value may be null-free, so not null). */
    public static final Object MISS = new Object();
    /** What a bucket's lookup returns when the key is not in it (the other bucket may hold it). */
    private static final Object NOT_HERE = new Object();
    /** Ways of a bucket: with its sequence word, 8 longs, one cache line of hashes. */
    static final int WAYS = 7;
    private static final int BUCKET_LONGS = WAYS + 1;
    /** Ways in the table, per cent of the bound: room for the bound's keys in their two buckets. */
    static final int SLACK_PERCENT = 125;
    /** How often a read retries a bucket a fill changed under it, before it counts as a miss. */
    private static final int READ_ATTEMPTS = 4;
    /** The most uses a way counts: how many eviction scans a key read often survives. */
    static final int MAX_USES = 15;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private enum Kind { IMMUTABLE, BYTES, ENCODED }

    /** A value with its deadline (epoch ms), in one object so a reader never pairs one fill's value with another's deadline. */
    private record Timed(Object value, long deadline) {
    }

    private final VersionTable versions;
    private final long maxEntries;
    private final int bucketCount;
    private final long[] buckets;
    private final long[] tags;
    private final long[] keyHashes;
    private final Object[] keys;
    private final Object[] values;
    private final byte[] uses;
    private final AtomicLong size = new AtomicLong();
    private final Kind kind;
    private final Codec<Object> codec;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    @SuppressWarnings("unchecked")
    private NearCache(long maxEntries, int bucketCount, VersionTable versions, Codec<?> valueCodec) {
        this.versions = versions;
        this.maxEntries = maxEntries;
        this.bucketCount = bucketCount;
        int ways = bucketCount * WAYS;
        this.buckets = new long[bucketCount * BUCKET_LONGS];
        this.tags = new long[ways];
        this.keyHashes = new long[ways];
        this.keys = new Object[ways];
        this.values = new Object[ways];
        this.uses = new byte[ways];
        this.codec = (Codec<Object>) valueCodec;
        this.kind = valueCodec == BuiltinCodecs.BYTES ? Kind.BYTES
                : BuiltinCodecs.isNative(valueCodec) ? Kind.IMMUTABLE : Kind.ENCODED;
    }

    /**
     * A near cache of up to {@code maxEntries} values of the store {@code store}.
     *
     * @throws ConfigException when {@code maxEntries} is more than one table on the heap can hold
     */
    public static NearCache create(String store, long maxEntries, VersionTable versions, Codec<?> valueCodec) {
        long bucketCount = (maxEntries * SLACK_PERCENT / 100 + WAYS - 1) / WAYS;
        if (maxEntries <= 0 || bucketCount * BUCKET_LONGS > Integer.MAX_VALUE - 8) {
            throw new ConfigException("Store '" + store + "': nearCache " + maxEntries + " is out of range: give 1 to "
                    + (Integer.MAX_VALUE - 8L) / BUCKET_LONGS * WAYS * 100 / SLACK_PERCENT + " values");
        }
        return new NearCache(maxEntries, (int) bucketCount, versions, valueCodec);
    }

    /**
     * The key's hash in this table: its Java hash code spread over 64 bits. Not Chronicle's hash of
     * the key's bytes, which the key's version slot needs (each way keeps it): a {@code String}
     * caches its hash code in the object, so a hit reads the key's object but not its bytes (on a
     * million keys read at random, each a miss in every CPU cache: as much as the rest of a hit).
     */
    private static long heapHash(Object key) {
        int h = key instanceof byte[] b ? Arrays.hashCode(b) : key.hashCode();
        return h * 0x9E3779B97F4A7C15L;
    }

    private int bucket1(long hash) {
        return (int) (((hash >>> 32) * bucketCount) >>> 32);
    }

    private int bucket2(long hash) {
        return (int) ((((hash * 0x9E3779B97F4A7C15L) >>> 32) * bucketCount) >>> 32);
    }

    /**
     * The value of {@code key} (a stored key, whose hash is {@code hash}) if a copy is usable now,
     * else {@link #MISS}: the key's version equal to the copy's tag and its deadline not passed. A
     * {@code byte[]} value goes into {@code reuse} when it has the value's length (nothing
     * allocated), else into a new array.
     */
    public Object read(Object key, Object reuse) {
        long hash = heapHash(key);
        int b1 = bucket1(hash);
        int b2 = bucket2(hash);
        long seq2 = (long) LONGS.getAcquire(buckets, b2 * BUCKET_LONGS); // its line loads while b1 is searched
        Object out = readIn(b1, key, hash, reuse, (long) LONGS.getAcquire(buckets, b1 * BUCKET_LONGS));
        if (out == NOT_HERE && b2 != b1) {
            out = readIn(b2, key, hash, reuse, seq2);
        }
        if (out == NOT_HERE || out == MISS) {
            misses.increment();
            return MISS;
        }
        hits.increment();
        return out;
    }

    /**
     * The copy of {@code key} in {@code bucket} copied out if usable, {@link #MISS} if there but not
     * usable (stale, expired, or changing under every attempt), {@link #NOT_HERE} if not there.
     */
    private Object readIn(int bucket, Object key, long hash, Object reuse, long seq) {
        int base = bucket * BUCKET_LONGS;
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                seq = (long) LONGS.getAcquire(buckets, base);
            }
            if ((seq & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int way = find(bucket, hash, key);
            if (way < 0) {
                return NOT_HERE; // a fill under way may be adding it: a miss is still right
            }
            long t = tags[way];
            long keyHash = keyHashes[way];
            Object kept = values[way];
            Object out = MISS;
            if (t == versions.tag(keyHash)) {
                Object value = live(kept);
                if (value != null) {
                    out = copyOut(value, reuse);
                }
            }
            VarHandle.loadLoadFence(); // everything above was read before seq is read again
            if ((long) LONGS.getAcquire(buckets, base) == seq) {
                if (out != MISS && uses[way] < MAX_USES) {
                    uses[way]++; // racy on purpose: a lost count only changes which key goes first
                }
                return out;
            }
        }
        return MISS;
    }

    /** The way of {@code bucket} holding {@code key}, or -1. */
    private int find(int bucket, long hash, Object key) {
        int base = bucket * BUCKET_LONGS + 1;
        for (int w = 0; w < WAYS; w++) {
            if (buckets[base + w] == hash) {
                int way = bucket * WAYS + w;
                Object k = keys[way];
                if (k != null && sameKey(k, key)) {
                    return way;
                }
            }
        }
        return -1;
    }

    private static boolean sameKey(Object kept, Object key) {
        if (kept == key) {
            return true;
        }
        return kept instanceof byte[] a ? key instanceof byte[] b && Arrays.equals(a, b) : kept.equals(key);
    }

    /** The value of a kept copy if its deadline has not passed, else null. */
    private static Object live(Object kept) {
        if (kept instanceof Timed t) {
            return t.deadline > System.currentTimeMillis() ? t.value : null;
        }
        return kept;
    }

    /** Whether {@code key} has a usable copy (a value that is live now). */
    public boolean contains(Object key) {
        long hash = heapHash(key);
        int found = containsIn(bucket1(hash), key, hash);
        return found > 0 || found < 0 && containsIn(bucket2(hash), key, hash) > 0;
    }

    /** 1: a usable copy of {@code key} in {@code bucket}; 0: one that is not usable, or a fill ran meanwhile; -1: none. */
    private int containsIn(int bucket, Object key, long hash) {
        int base = bucket * BUCKET_LONGS;
        long seq = (long) LONGS.getAcquire(buckets, base);
        if ((seq & 1) != 0) {
            return 0;
        }
        int way = find(bucket, hash, key);
        if (way < 0) {
            return -1;
        }
        boolean usable = tags[way] == versions.tag(keyHashes[way]) && live(values[way]) != null;
        VarHandle.loadLoadFence();
        return usable && (long) LONGS.getAcquire(buckets, base) == seq ? 1 : 0;
    }

    /**
     * Keeps {@code value} of {@code key} (hash {@code hash}), read under the key's stripe after its
     * tag {@code tag} was read there; the caller still holds the stripe, so no change can have come
     * between the read and this, and copies of one key are filled in the order of their tags.
     *
     * @param encoded the value's encoded bytes when at hand (kept for values of other codecs), else null
     * @param deadlineMillis when the value expires, epoch ms; Long.MAX_VALUE: never
     */
    public void fill(Object key, long keyHash, Object value, byte[] encoded, long tag, long deadlineMillis) {
        fill(key, keyHash, value, encoded, tag, deadlineMillis, true);
    }

    /**
     * As {@link #fill}, after a write of this process ({@code value} is what it wrote, {@code tag} read
     * after its bump, the stripe still held), but only for a key that has a copy already: the copy
     * is brought up to date instead of missing at the next read; a key written and not read here
     * takes no room.
     */
    public void refresh(Object key, long keyHash, Object value, byte[] encoded, long tag, long deadlineMillis) {
        fill(key, keyHash, value, encoded, tag, deadlineMillis, false);
    }

    private void fill(Object key, long keyHash, Object value, byte[] encoded, long tag, long deadlineMillis, boolean insert) {
        long hash = heapHash(key);
        int b1 = bucket1(hash);
        int b2 = bucket2(hash);
        int first = Math.min(b1, b2);
        int second = Math.max(b1, b2);
        long seq1 = lock(first);
        long seq2 = second != first ? lock(second) : 0;
        try {
            int way = find(b1, hash, key);
            if (way < 0 && b2 != b1) {
                way = find(b2, hash, key);
            }
            if (way >= 0) {
                refill(way, value, encoded, tag, deadlineMillis);
                return;
            }
            if (!insert) {
                return;
            }
            way = emptyWay(b1, b2);
            if (way >= 0 && size.getAndIncrement() >= maxEntries) {
                size.decrementAndGet();
                way = -1;
            }
            if (way < 0) {
                way = victim(b1, b2);
                if (way < 0) {
                    return; // at the bound with both buckets empty: no room here
                }
            }
            Object k = key instanceof byte[] b ? b.clone() : key;
            buckets[(way / WAYS) * BUCKET_LONGS + 1 + way % WAYS] = hash;
            keys[way] = k;
            keyHashes[way] = keyHash;
            values[way] = kept(value, encoded, deadlineMillis);
            tags[way] = tag;
            uses[way] = 0;
        } finally {
            if (second != first) {
                LONGS.setRelease(buckets, second * BUCKET_LONGS, seq2 + 2);
            }
            LONGS.setRelease(buckets, first * BUCKET_LONGS, seq1 + 2);
        }
    }

    /** A new copy of the key at {@code way}; the caller holds its bucket. */
    private void refill(int way, Object value, byte[] encoded, long tag, long deadlineMillis) {
        if (kind == Kind.BYTES && deadlineMillis == Long.MAX_VALUE && values[way] instanceof byte[] old
                && old.length == ((byte[]) value).length) {
            System.arraycopy((byte[]) value, 0, old, 0, old.length); // readers of the bucket retry: seq is odd
        } else {
            values[way] = kept(value, encoded, deadlineMillis);
        }
        tags[way] = tag;
    }

    private Object kept(Object value, byte[] encoded, long deadlineMillis) {
        Object copy = switch (kind) {
            case IMMUTABLE -> value;
            case BYTES -> ((byte[]) value).clone();
            case ENCODED -> encoded != null ? encoded : codec.encode(value);
        };
        return deadlineMillis == Long.MAX_VALUE ? copy : new Timed(copy, deadlineMillis);
    }

    /** An empty way in the less full of the two buckets, or -1. */
    private int emptyWay(int b1, int b2) {
        int free1 = -1;
        int count1 = 0;
        for (int w = WAYS - 1; w >= 0; w--) {
            if (keys[b1 * WAYS + w] == null) {
                free1 = b1 * WAYS + w;
            } else {
                count1++;
            }
        }
        if (b2 == b1) {
            return free1;
        }
        int free2 = -1;
        int count2 = 0;
        for (int w = WAYS - 1; w >= 0; w--) {
            if (keys[b2 * WAYS + w] == null) {
                free2 = b2 * WAYS + w;
            } else {
                count2++;
            }
        }
        return free2 >= 0 && (free1 < 0 || count2 < count1) ? free2 : free1;
    }

    /** The way to replace (generalized CLOCK over both buckets' kept keys, from a random way), or -1 when both are empty. */
    private int victim(int b1, int b2) {
        int span = b2 == b1 ? WAYS : 2 * WAYS;
        int start = ThreadLocalRandom.current().nextInt(span);
        int fallback = -1;
        for (int n = 0; n < (MAX_USES + 1) * span; n++) {
            int j = (start + n) % span;
            int way = j < WAYS ? b1 * WAYS + j : b2 * WAYS + j - WAYS;
            if (keys[way] == null) {
                continue;
            }
            if (uses[way] <= 0) {
                return way;
            }
            uses[way]--;
            fallback = way;
        }
        return fallback;
    }

    /** Takes a bucket for a fill: its seq from even to odd; returns the even value. */
    private long lock(int bucket) {
        int base = bucket * BUCKET_LONGS;
        while (true) {
            long seq = (long) LONGS.getVolatile(buckets, base);
            if ((seq & 1) == 0 && LONGS.compareAndSet(buckets, base, seq, seq + 1)) {
                return seq;
            }
            Thread.onSpinWait();
        }
    }

    /** Drops every copy of this process (they would all miss anyway after the change that calls this). */
    public void invalidateAll() {
        for (int bucket = 0; bucket < bucketCount; bucket++) {
            long seq = lock(bucket);
            int dropped = 0;
            for (int w = 0; w < WAYS; w++) {
                int way = bucket * WAYS + w;
                if (keys[way] != null) {
                    keys[way] = null;
                    values[way] = null;
                    buckets[bucket * BUCKET_LONGS + 1 + w] = 0;
                    dropped++;
                }
            }
            LONGS.setRelease(buckets, bucket * BUCKET_LONGS, seq + 2);
            size.addAndGet(-dropped);
        }
    }

    private Object copyOut(Object copy, Object reuse) {
        switch (kind) {
            case IMMUTABLE:
                return copy;
            case BYTES:
                byte[] b = (byte[]) copy;
                if (reuse instanceof byte[] r && r.length == b.length) {
                    System.arraycopy(b, 0, r, 0, b.length);
                    return r;
                }
                return b.clone();
            default:
                return codec.decode((byte[]) copy);
        }
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** Copies held. */
    public long size() {
        return size.get();
    }
}
