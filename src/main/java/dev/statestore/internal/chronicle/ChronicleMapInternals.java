package dev.statestore.internal.chronicle;

import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.ChronicleHashBuilderPrivateAPI;
import net.openhft.chronicle.hash.impl.SizePrefixedBlob;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapSegmentContext;
import net.openhft.chronicle.map.impl.CompiledMapIterationContext;
import net.openhft.chronicle.map.impl.CompiledMapQueryContext;

/**
 * The reaches into Chronicle Map's non-public parts, in one place, each with a contract test
 * ({@code ChronicleMapInternalsTest}) that fails loudly when a Chronicle version changes what it
 * relies on. The rest of the engine uses Chronicle's public API only, or calls these.
 */
public final class ChronicleMapInternals {
    private ChronicleMapInternals() {
    }

    /**
     * Clears the lock word of {@code segment}'s header, whoever holds it. Only for a lock a dead
     * process held: statestore takes Chronicle's lock of a segment only while holding the
     * segment's stripe, so the one who took the stripe over from its dead owner knows nobody live
     * holds it.
     */
    public static void resetSegmentLock(ChronicleMap<?, ?> map, int segment) {
        try (MapSegmentContext<?, ?, ?> c = map.segmentContext(segment)) {
            CompiledMapIterationContext<?, ?, ?> context = (CompiledMapIterationContext<?, ?, ?>) c;
            context.segmentHeader().resetLock(context.segmentHeaderAddress());
        }
    }

    /**
     * Chronicle Map's sizing of the map {@code builder} would create, without creating it: the
     * builder resolves its sizes as it does before it makes a map (its private
     * {@code preMapConstruction}, which fills in the size of fixed-size keys), then answers through
     * its private API, which Chronicle's own map constructor reads from the same field. The
     * builder is spent: use a new one for the map.
     */
    public static ChronicleHashBuilderPrivateAPI<?, ?> sizing(ChronicleMapBuilder<?, ?> builder) {
        try {
            java.lang.reflect.Method resolve = ChronicleMapBuilder.class.getDeclaredMethod("preMapConstruction");
            resolve.setAccessible(true);
            resolve.invoke(builder);
            java.lang.reflect.Field field = ChronicleMapBuilder.class.getDeclaredField("privateAPI");
            field.setAccessible(true);
            return (ChronicleHashBuilderPrivateAPI<?, ?>) field.get(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Chronicle Map's sizing cannot be read (" + e + "): this statestore"
                    + " was built against another Chronicle Map version; use the version its pom names", e);
        }
    }
    // ---------------------------------------------------------------- the map's geometry

    private static VanillaChronicleHash<?, ?, ?, ?> hash(ChronicleMap<?, ?> map) {
        return (VanillaChronicleHash<?, ?, ?, ?>) map;
    }

    /** The map's segments (statestore's stripes, one each). */
    public static int segments(ChronicleMap<?, ?> map) {
        return hash(map).segments();
    }

    /** The size of an allocation unit of the map's entry space, in bytes. */
    public static long chunkSize(ChronicleMap<?, ?> map) {
        return hash(map).chunkSize;
    }

    /** Whether Chronicle stores a checksum with each entry (every persisted map statestore creates does). */
    public static boolean checksumEntries(ChronicleMap<?, ?> map) {
        return hash(map).checksumEntries;
    }

    /**
     * The chunks allocated in the segment of {@code c}, over all its tiers: the set bits of their
     * free lists; the caller holds the segment's stripe. The bits are counted straight from
     * memory, a long at a time: Chronicle's own {@code freeList().cardinality()} reads them through
     * its access abstraction, which made a count take about twice as long (BoundedPutBench.resize:
     * 0.47 against 0.23 us for 16 segments of 34,392 chunks). A tier's free list lies after its hash
     * lookup and its counters area, as Chronicle's {@code initSegment} places it; the contract test
     * checks the count against Chronicle's {@code segmentStats()}.
     */
    public static long usedChunks(MapSegmentContext<?, ?, ?> c) {
        CompiledMapIterationContext<?, ?, ?> tiers = (CompiledMapIterationContext<?, ?, ?>) c;
        VanillaChronicleHash<?, ?, ?, ?> h = tiers.h();
        long freeListOffset = h.tierHashLookupOuterSize + VanillaChronicleHash.TIER_COUNTERS_AREA_SIZE;
        int longs = (int) (h.tierFreeListInnerSize / Long.BYTES); // at most 2^30 chunks a tier
        tiers.goToFirstTier();
        long used = bitCount(tiers.tierBaseAddr() + freeListOffset, longs);
        while (tiers.hasNextTier()) {
            tiers.nextTier();
            used += bitCount(tiers.tierBaseAddr() + freeListOffset, longs);
        }
        return used;
    }

    /** Set bits in {@code longs} longs from {@code address}. */
    private static long bitCount(long address, int longs) {
        long bits = 0;
        for (int i = 0; i < longs; i++) {
            bits += Long.bitCount(UnsafeMemory.MEMORY.readLong(address + ((long) i << 3)));
        }
        return bits;
    }

    // ---------------------------------------------------------------- contexts

    /** The chunks the entry of a query context takes, once {@code entry()} found it. */
    public static int entrySizeInChunks(Object queryContext) {
        return ((CompiledMapQueryContext<?, ?, ?>) queryContext).entrySizeInChunks();
    }

    /** The chunks the current entry of a segment context's iteration ({@code forEachSegmentEntry}) takes. */
    public static int iteratedEntrySizeInChunks(MapSegmentContext<?, ?, ?> segmentContext) {
        return ((CompiledMapIterationContext<?, ?, ?>) segmentContext).entrySizeInChunks();
    }

    /**
     * The segment a context handed to entry operations is on (a query context or a segment
     * context's iteration), or -1 for a context of another kind.
     */
    public static int segmentOf(Object context) {
        if (context instanceof CompiledMapQueryContext<?, ?, ?> q) {
            return q.segmentIndex();
        }
        if (context instanceof CompiledMapIterationContext<?, ?, ?> i) {
            return i.segmentIndex();
        }
        return -1;
    }

    /**
     * Chronicle Map's hash of the key of an entry operation: a query context's own (computed for
     * the lookup), else xxHash r39 of the key's bytes, as Chronicle computes it for a query
     * ({@code InputKeyHashCode}); equal bytes hash alike whatever the data's kind.
     */
    public static long keyHash(Object context, Data<?> key) {
        if (context instanceof CompiledMapQueryContext<?, ?, ?> q) {
            return q.keyHash();
        }
        return key.hash(LongHashFunction.xx_r39());
    }

    // ---------------------------------------------------------------- the file's header

    /**
     * The self-bootstrapping header of a map file, as Chronicle writes it: a size word at
     * {@link #HEADER_SIZE_WORD_OFFSET}, then the header text at {@link #HEADER_OFFSET}.
     */
    public static final long HEADER_SIZE_WORD_OFFSET = SizePrefixedBlob.SIZE_WORD_OFFSET;
    public static final long HEADER_OFFSET = SizePrefixedBlob.SELF_BOOTSTRAPPING_HEADER_OFFSET;

    /** The header's size from its size word. */
    public static int headerSize(int sizeWord) {
        return SizePrefixedBlob.extractSize(sizeWord);
    }

    /** Whether the size word says the header was completely written. */
    public static boolean headerReady(int sizeWord) {
        return SizePrefixedBlob.isReady(sizeWord);
    }
}
