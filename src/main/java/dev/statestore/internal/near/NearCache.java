package dev.statestore.internal.near;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.statestore.Codec;
import dev.statestore.ConfigException;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.lock.StripeTable;

import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * This process's near cache of one store: decoded values on the heap, each tagged with the version
 * its key's stripe had when the value was read under that stripe (see {@link StripeTable},
 * "Versions, for near caches"). A copy is used only while the stripe's version still equals its
 * tag and its deadline has not passed; otherwise the caller reads the map under the stripe and
 * refills the copy with the version it read there, while it still holds the stripe.
 *
 * <h2>Why a read through it is never stale</h2>
 * Every change of an entry, in any process, bumps its stripe's version first, under the stripe.
 * A reader that finds the version equal to a copy's tag therefore runs before any change of the
 * copy's key that came after the copy was read (a change whose bump the reader has not seen has
 * not returned yet): the copy is the key's current value at the instant of the version load. A
 * writer killed after its bump leaves a version no copy carries: a miss, never a stale copy.
 *
 * <h2>What a copy holds</h2>
 * {@code String}, {@code Long} and {@code Integer} values as they are (immutable); {@code byte[]}
 * values as a private array, copied out on every hit (callers may change what they get); values
 * of any other codec as their encoded bytes, decoded on every hit, so each caller gets its own
 * object as without a near cache. Keys: the stored key, or its bytes ({@link BytesKey}).
 *
 * <h2>What a read costs</h2>
 * Caffeine (an optional dependency) bounds it. Each key has a {@link Slot} in Caffeine whose copy a
 * refill replaces in place: a refill of a key already near writes nothing into Caffeine (no
 * node, no write buffer, no maintenance), so a store with writes costs little more than one
 * without a near cache. A hit tells Caffeine of the access only one time in
 * {@value #RECORD_ONE_READ_IN} (the others look up quietly): recording every access (its frequency
 * sketch, its LRU order, on a million keys: several cache misses per read) cost more than the
 * whole Chronicle read it saves; a sample is enough for its frequency-based admission and recency
 * to keep the keys read often. Its maintenance runs on the calling threads
 * ({@code executor(Runnable::run)}): no pool thread of the application's is used.
 */
public final class NearCache {
    /** What {@link #read} returns when there is no usable copy (a value may be null-free, so not null). */
    public static final Object MISS = new Object();
    private static final String CAFFEINE = "com.github.benmanes.caffeine.cache.Caffeine";
    /** A hit records its access in Caffeine's policy once in this many (a power of two). */
    static final int RECORD_ONE_READ_IN = 16;

    private enum Kind { IMMUTABLE, BYTES, ENCODED }

    /**
     * A key's near copy, in Caffeine, rewritten in place by refills (which the key's stripe, held by
     * the refiller, serializes): no Caffeine write, and on a hit one object fewer to reach than an
     * immutable copy per refill would be. The version is written after the value (a volatile
     * write) and read before it: a reader whose tag matched then sees that value or one a later
     * refill wrote, which was read under the stripe at a version the reader had not seen yet, so
     * after the reader's check: also a value the key had during the read.
     *
     * <p>A {@code byte[]} value is refilled into the array already there when it has the same length
     * (a seqlock): the version is set to {@link #BUSY} before the bytes are written and to the new
     * version after; a reader copies the bytes out, then checks that the version is still its tag,
     * and treats a copy torn by a refill as a miss. Without this, every refill of a store with
     * writes allocated a new array that the cache kept, and the young collections promoted them
     * all (measured: 90/10 gets and puts at 0.47 x the same store without a near cache).
     */
    private static final class Slot {
        /** The version of a slot whose bytes are being rewritten: no stripe version (they start at 0) equals it. */
        static final long BUSY = Long.MIN_VALUE;
        final int stripe;
        /** The stripe's version when {@link #value} was read under it. */
        volatile long version;
        /** The value as kept ({@link #copyOut}), or a {@link Timed} when it has a deadline. */
        Object value;

        Slot(int stripe, Object value, long version) {
            this.stripe = stripe;
            this.value = value;
            this.version = version;
        }
    }

    /** A value with its deadline (epoch ms), in one object so a reader never pairs one refill's value with another's deadline. */
    private record Timed(Object value, long deadline) {
    }

    private final Cache<Object, Slot> copies;
    private final Policy<Object, Slot> policy;
    private final StripeTable stripes;
    private final Kind kind;
    private final Codec<Object> codec;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    @SuppressWarnings("unchecked")
    private NearCache(long maxEntries, StripeTable stripes, Codec<?> valueCodec) {
        this.copies = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
        this.policy = copies.policy();
        this.stripes = stripes;
        this.codec = (Codec<Object>) valueCodec;
        this.kind = valueCodec == BuiltinCodecs.BYTES ? Kind.BYTES
                : BuiltinCodecs.isNative(valueCodec) ? Kind.IMMUTABLE : Kind.ENCODED;
    }

    /**
     * A near cache of up to {@code maxEntries} values of the store {@code store}.
     *
     * @throws ConfigException when Caffeine is not on the class path
     */
    public static NearCache create(String store, long maxEntries, StripeTable stripes, Codec<?> valueCodec) {
        try {
            Class.forName(CAFFEINE, false, NearCache.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException("Store '" + store + "': nearCache needs Caffeine, an optional dependency of"
                    + " statestore that is not on the class path: add com.github.ben-manes.caffeine:caffeine:3.3.1 to the"
                    + " application's dependencies, or leave nearCache unset", e);
        }
        return new NearCache(maxEntries, stripes, valueCodec);
    }

    /** The near cache's key for a stored key. */
    public static Object keyOf(Object storedKey) {
        return storedKey instanceof byte[] b ? new BytesKey(b) : storedKey;
    }

    /**
     * The value of {@code key} (from {@link #keyOf}) if a copy is usable now, else {@link #MISS}:
     * the copy's stripe version equal to its tag (one acquire load) and its deadline not passed. A
     * {@code byte[]} value goes into {@code reuse} when it has the value's length (nothing allocated),
     * else into a new array.
     */
    public Object read(Object key, Object reuse) {
        Slot slot = (ThreadLocalRandom.current().nextInt() & (RECORD_ONE_READ_IN - 1)) == 0
                ? copies.getIfPresent(key) : policy.getIfPresentQuietly(key);
        if (slot != null) {
            long tag = slot.version; // before the value: see Slot
            Object kept = usable(slot, tag);
            if (kept != null) {
                Object out = copyOut(kept, reuse);
                VarHandle.loadLoadFence(); // the bytes were read before the version is read again
                if (slot.version == tag) {
                    hits.increment();
                    return out;
                }
            }
        }
        misses.increment();
        return MISS;
    }

    /** Whether {@code key} has a usable copy (a value that is live now). */
    public boolean contains(Object key) {
        Slot slot = policy.getIfPresentQuietly(key);
        return slot != null && usable(slot, slot.version) != null;
    }

    /** The slot's value as kept if {@code tag}, its version, is the stripe's version now and its deadline has not passed, else null. */
    private Object usable(Slot slot, long tag) {
        if (stripes.version(slot.stripe) != tag) {
            return null;
        }
        Object kept = slot.value;
        if (kept instanceof Timed t) {
            return t.deadline > System.currentTimeMillis() ? t.value : null;
        }
        return kept;
    }

    /**
     * Keeps {@code value} of {@code key} (from {@link #keyOf}), read under stripe {@code stripe} whose
     * version was {@code version} then; the caller still holds the stripe, so no change can have come
     * between the read and this, and copies of one key are filled in the order of their versions.
     *
     * @param encoded the value's encoded bytes when at hand (kept for values of other codecs), else null
     * @param deadlineMillis when the value expires, epoch ms; Long.MAX_VALUE: never
     */
    public void fill(Object key, Object value, byte[] encoded, int stripe, long version, long deadlineMillis) {
        Slot slot = policy.getIfPresentQuietly(key);
        if (slot != null && kind == Kind.BYTES && deadlineMillis == Long.MAX_VALUE && slot.value instanceof byte[] old
                && old.length == ((byte[]) value).length) {
            slot.version = Slot.BUSY; // readers from now on miss, and one that copied bytes of ours sees it: see Slot
            VarHandle.storeStoreFence(); // BUSY is stored before any of the bytes
            System.arraycopy((byte[]) value, 0, old, 0, old.length);
            slot.version = version; // a volatile write: after the bytes
            return;
        }
        Object copy = switch (kind) {
            case IMMUTABLE -> value;
            case BYTES -> ((byte[]) value).clone();
            case ENCODED -> encoded != null ? encoded : codec.encode(value);
        };
        Object kept = deadlineMillis == Long.MAX_VALUE ? copy : new Timed(copy, deadlineMillis);
        if (slot != null) { // refills of a key are serialized by its stripe, held by the caller
            slot.value = kept;
            slot.version = version; // after the value: see Slot
        } else {
            copies.put(key instanceof BytesKey b ? b.kept() : key, new Slot(stripe, kept, version));
        }
    }

    /** Drops every copy of this process (they would all miss anyway after the change that calls this). */
    public void invalidateAll() {
        copies.invalidateAll();
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

    /** Copies held (Caffeine's estimate). */
    public long size() {
        return copies.estimatedSize();
    }
}
