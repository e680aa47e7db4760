package dev.statestore.internal.cache;

import dev.statestore.ChangeType;
import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.journal.ChangeCause;
import dev.statestore.internal.metrics.StoreMeters;
import net.openhft.chronicle.hash.ChecksumEntry;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

import java.util.function.UnaryOperator;

/**
 * The Chronicle-side operations of a store whose values carry a {@link StampLayout} header: reads
 * that skip expired entries (and, for a bounded or expire-after-access store, refresh the header in
 * place), the read-modify-write step every atomic operation is built on, the expiry sweep and the
 * eviction. Every method runs while the caller holds the stripe of the key or segment it names, so
 * no process can change the segment meanwhile: a removal of an expired entry is conditional on the
 * deadline read under that stripe, at removal time.
 *
 * <h2>Eviction policy</h2>
 * A store bounded by {@code maxEntries}, {@code maxBytes} or both gives each Chronicle segment
 * {@code s} of {@code S} its share of each bound: {@code maxEntries / S} entries and
 * {@code maxBytes / S} bytes (the remainders spread over the first segments, so the shares sum to
 * the bounds). The bytes counted are those the segment's entries occupy in the map file: Chronicle
 * allocates each entry (key, value with its stamp header, Chronicle's size fields and checksum) in
 * whole chunks from a per-tier free-list bitset, and a segment's bytes are the set bits of its
 * tiers' free lists times the chunk size, as {@code VanillaChronicleMap.segmentStats()} counts
 * them. That is Chronicle's own allocation state, so it holds across crashes with no counter of
 * ours to drift. Counting it is a popcount of the segment's bitsets (about 0.2 us for a segment of
 * 34,392 chunks, measured with BoundedPutBench), paid only after a write that may have
 * added bytes.
 *
 * <p>A write that leaves its segment over either share evicts, under the same stripe, the least
 * recently used entries of that segment, by the last-access clock every read and write stamps:
 * exact LRU within the segment (the whole segment is scanned, not sampled), which approximates a
 * store-wide LRU because keys hash uniformly over segments. It evicts a batch: down to
 * {@code share - share/64} (at least one entry) for each share it exceeded. Expired entries are
 * taken first, journaled as {@link ChangeType#EXPIRE}, then any entry larger than the segment's
 * byte share on its own (it can never fit; Caffeine likewise drops an entry heavier than its
 * maximum at once), then the least recently used; those are journaled as {@link ChangeType#EVICT}.
 * Once a write returns the store therefore holds at most {@code maxEntries} entries and
 * {@code maxBytes} bytes of entries, and when full between {@code maxEntries - maxEntries/64} and
 * {@code maxEntries} entries (bound by count), or between about {@code maxBytes - maxBytes/64} and
 * {@code maxBytes} bytes (bound by bytes). Hit ratio against an exact LRU of the same size:
 * within 0.0012 on Zipf workloads (EvictionHitRatio; BENCHMARKS.md).
 *
 * <h2>Eviction cost</h2>
 * The scan is what eviction costs (91 % of an evicting put's time when each batch scanned its segment), so one
 * scan serves several batches: one pass over the segment keeps, in a bounded heap, its oldest
 * entries, at least 1/{@value #LOOKAHEAD} of them and at least what the batch needs, and lists
 * them oldest first in this process's {@link EvictionCandidates} of the segment (their access
 * stamps, sizes and key bytes); each batch then removes listed entries by key, skipping one whose
 * access stamp changed since the scan (read or rewritten: no longer among the oldest), until the
 * list runs out and the next batch scans again. A listed entry whose stamp did not change is still
 * older than every entry outside the list, so the victims are those a full scan would pick, with
 * one exception: an entry written after the scan with a time to live short enough to expire
 * before the list is used up is not seen as expired before the next scan (or the sweeper);
 * entries that were in the segment at the scan are (the list is not used past the earliest
 * deadline of an entry it left out). A write whose key ends up larger than the byte share on its
 * own is evicted first, by key, and then nothing else when the segment is back within its shares
 * (as after any oversized entry's eviction: no batch is needed). The list holds, per segment that
 * evicted in this process, about 1/{@value #LOOKAHEAD} of the segment's entries on the heap: key
 * bytes plus 36 bytes each (up to twice that, as its arrays grow by doubling).
 */
public final class StampedEntries<K> {
    /** {@link #rank} of an expired entry. */
    static final long EXPIRED = Long.MIN_VALUE;
    /** {@link #rank} of an entry larger than its segment's byte share on its own. */
    static final long OVERSIZED = Long.MIN_VALUE + 1;
    /** A scan lists at least 1/LOOKAHEAD of the segment's entries as candidates. */
    static final int LOOKAHEAD = 16;
    private final ChronicleMap<K, byte[]> map;
    private final StoreMeters meters;
    private final boolean checksums;
    /** Each segment's share of maxEntries; null: no bound by count. */
    private final long[] entryBounds;
    /** Each segment's share of maxBytes, in Chronicle chunks; null: no bound by bytes. */
    private final long[] chunkBounds;
    /** Reads stamp the access clock (bounded store). */
    private final boolean touchAccess;
    /** Reads push the deadline of expiring entries to now + this (expire after access); 0: no. */
    private final long accessTtlMillis;
    /** Each segment's eviction candidates in this process, made at its first eviction; used under its stripe. */
    private final EvictionCandidates[] candidates;

    public StampedEntries(ChronicleMap<K, byte[]> map, StoreMeters meters, long maxEntries, long maxBytes, int segments,
                   long accessTtlMillis) {
        this.map = map;
        this.meters = meters;
        this.checksums = ChronicleMapInternals.checksumEntries(map);
        this.entryBounds = maxEntries > 0 ? segmentBounds(maxEntries, segments) : null;
        if (maxBytes > 0) {
            this.chunkBounds = segmentBounds(maxBytes, segments);
            for (int s = 0; s < segments; s++) {
                chunkBounds[s] /= ChronicleMapInternals.chunkSize(map);
            }
        } else {
            this.chunkBounds = null;
        }
        this.touchAccess = bounded();
        this.accessTtlMillis = accessTtlMillis;
        this.candidates = new EvictionCandidates[segments];
    }

    /** {@code bound} split over {@code segments}, the remainder spread over the first ones. */
    static long[] segmentBounds(long bound, int segments) {
        long[] b = new long[segments];
        for (int s = 0; s < segments; s++) {
            b[s] = bound / segments + (s < bound % segments ? 1 : 0);
        }
        return b;
    }

    /** A stored value as verify compares it; see {@link StampLayout#comparable}. */
    public byte[] comparable(byte[] stored) {
        return StampLayout.comparable(stored, accessTtlMillis > 0);
    }

    public boolean bounded() {
        return entryBounds != null || chunkBounds != null;
    }

    /** Whether a read changes the entry (access clock or deadline) and so needs the update lock. */
    public boolean readsWrite() {
        return touchAccess || accessTtlMillis > 0;
    }

    /**
     * The encoded value of {@code key} without its header (null when absent or expired), copied
     * straight from the map into {@code reuse} when it has the value's length, else into a new
     * array; refreshes the header when reads do.
     */
    public byte[] read(K key, byte[] reuse) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            Data<byte[]> value = liveValue(c);
            if (value == null) {
                return null;
            }
            int length = (int) (value.size() - StampLayout.HEADER_BYTES);
            byte[] payload = reuse != null && reuse.length == length ? reuse : new byte[length];
            value.bytes().read(value.offset() + StampLayout.HEADER_BYTES, payload, 0, length);
            return payload;
        }
    }

    /**
     * The live stored value of {@code key}, header included (a new array; null when absent or
     * expired), for a near cache, which needs the deadline too. Only for stores whose reads do not
     * write ({@link #readsWrite}): near caches are refused for the others.
     */
    public byte[] readStored(K key) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            Data<byte[]> value = liveValue(c);
            return value == null ? null : value.getUsing(null);
        }
    }

    /** Whether {@code key} has a live entry; refreshes its header when reads do, as {@link #read} does. */
    public boolean contains(K key) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            return liveValue(c) != null;
        }
    }

    /** The stored value of the context's key if live (else null), its header refreshed when reads do. */
    private Data<byte[]> liveValue(ExternalMapQueryContext<K, byte[], ?> c) {
        long now = System.currentTimeMillis();
        if (readsWrite()) {
            c.updateLock().lock();
        }
        MapEntry<K, byte[]> e = c.entry();
        if (e == null) {
            return null;
        }
        long deadline = StampLayout.readLong(e.value().bytes(), e.value().offset() + StampLayout.DEADLINE_OFFSET);
        if (StampLayout.expired(deadline, now)) {
            return null;
        }
        if (readsWrite()) {
            touch(c, e, deadline, now);
        }
        return e.value();
    }

    /** Rewrites the header of {@code e} in place: the access clock, and the deadline in an expire-after-access store. */
    private void touch(ExternalMapQueryContext<K, byte[], ?> c, MapEntry<K, byte[]> e, long deadline, long now) {
        c.writeLock().lock();
        Data<byte[]> value = e.value();
        if (touchAccess) {
            StampLayout.writeLong(value.bytes(), value.offset() + StampLayout.ACCESS_OFFSET, StampLayout.nowMicros());
        }
        if (accessTtlMillis > 0 && deadline != StampLayout.NEVER) {
            StampLayout.writeLong(value.bytes(), value.offset() + StampLayout.DEADLINE_OFFSET,
                    StampLayout.deadlineAfter(now, accessTtlMillis));
        }
        if (checksums) {
            ((ChecksumEntry) e).updateChecksum();
        }
    }

    /**
     * The one read-modify-write step: {@code step} gets the live stored value (null when absent or
     * expired) and returns the new stored value, null to remove, or its argument unchanged to leave
     * the entry as it is. An expired entry the step does not replace stays for the sweeper.
     *
     * @return the live stored value before the step
     */
    public byte[] update(K key, UnaryOperator<byte[]> step) {
        long now = System.currentTimeMillis();
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<K, byte[]> e = c.entry();
            byte[] raw = e == null ? null : e.value().getUsing(null);
            byte[] live = raw != null && !StampLayout.expired(raw, now) ? raw : null;
            byte[] next = step.apply(live);
            if (next == live) {
                if (live != null && readsWrite()) {
                    touch(c, e, StampLayout.deadline(live), now);
                }
                return live;
            }
            if (next == null) {
                c.remove(e); // live != null here
            } else if (e != null) {
                c.replaceValue(e, c.wrapValueAsData(next));
            } else {
                c.insert(c.absentEntry(), c.wrapValueAsData(next));
            }
            return live;
        }
    }

    /** What a sweep of one segment did: entries removed, and whether entries with a deadline are left. */
    public record Swept(int removed, boolean deadlinesLeft) {
    }

    /** Removes the expired entries of {@code segment}, journaled as EXPIRE; the caller holds its stripe. */
    public Swept sweep(int segment) {
        long now = System.currentTimeMillis();
        int[] removed = {0};
        boolean[] deadlinesLeft = {false};
        ChangeCause.removingAs(ChangeType.EXPIRE, () -> {
            try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    Data<byte[]> v = e.value();
                    long deadline = StampLayout.readLong(v.bytes(), v.offset() + StampLayout.DEADLINE_OFFSET);
                    if (StampLayout.expired(deadline, now)) {
                        e.context().remove(e);
                        removed[0]++;
                    } else if (deadline != StampLayout.NEVER) {
                        deadlinesLeft[0] = true;
                    }
                });
            }
        });
        for (int i = 0; i < removed[0]; i++) {
            meters.expired();
        }
        return new Swept(removed[0], deadlinesLeft[0]);
    }

    /** Entries of {@code segment} that have not expired; the caller holds its stripe. */
    public long live(int segment) {
        long now = System.currentTimeMillis();
        long[] n = {0};
        try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
            c.forEachSegmentEntry(e -> {
                Data<byte[]> v = e.value();
                if (!StampLayout.expired(StampLayout.readLong(v.bytes(), v.offset()), now)) {
                    n[0]++;
                }
            });
        }
        return n[0];
    }

    /** How much to take away from {@code used} to end at {@code bound - bound/64} when it is over {@code bound}; else 0. */
    private static long excess(long used, long bound) {
        return used <= bound ? 0 : used - bound + bound / 64;
    }

    /** {@link #evictIfOver(int, boolean, Object)} after changes of keys not named (a batch): a bound by bytes rescans. */
    public int evictIfOver(int segment) {
        return evictIfOver(segment, true, null);
    }

    /**
     * Evicts from {@code segment} when it holds more than its share of a bound (see the class
     * comment); the caller holds its stripe. The share of {@code maxBytes} is checked only when
     * {@code grown}: the change may have added bytes (an insert, a larger value), as counting them
     * reads the segment's free lists (a few hundred ns); a removal, a read or a value no larger
     * than the one it replaced cannot take the segment over it (Chronicle frees the chunks a value
     * no longer needs, and rewrites an equal one in place). {@code written}: the key the change
     * wrote, checked first for an entry larger than the segment's byte share; null when unknown,
     * which makes an eviction by bytes scan the segment rather than use its candidate list.
     *
     * @return entries removed
     */
    public int evictIfOver(int segment, boolean grown, K written) {
        if (!bounded()) {
            return 0;
        }
        long size;
        long used; // chunks; -1: not counted
        try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
            size = c.size();
            used = chunkBounds == null || !grown ? -1 : ChronicleMapInternals.usedChunks(c);
        }
        long entriesOver = entryBounds == null ? 0 : excess(size, entryBounds[segment]);
        long chunksOver = used < 0 ? 0 : excess(used, chunkBounds[segment]);
        if (entriesOver == 0 && chunksOver == 0) {
            return 0;
        }
        EvictionCandidates list = candidates[segment];
        if (list == null) {
            list = new EvictionCandidates();
            candidates[segment] = list;
        }
        long now = System.currentTimeMillis();
        int[] removed = {0, 0}; // evicted, expired
        int freed = 0;
        if (chunksOver > 0) {
            if (written == null) {
                list.drop(); // the scan ranks an oversized entry first
            } else {
                freed = evictIfOversized(written, chunkBounds[segment]);
                removed[0] += freed > 0 ? 1 : 0;
            }
        }
        boolean fresh = false; // the list comes from a scan of this call
        while (true) {
            if (freed > 0) {
                size--;
                used = used < 0 ? -1 : used - freed;
                if (chunkBounds != null && freed > chunkBounds[segment]) { // oversized: within the bounds without it, no batch
                    entriesOver = entryBounds == null ? 0 : excess(size, entryBounds[segment]);
                    chunksOver = used < 0 ? 0 : excess(used, chunkBounds[segment]);
                } else {
                    entriesOver--;
                    chunksOver -= freed;
                }
            }
            if (entriesOver <= 0 && chunksOver <= 0) {
                break;
            }
            if (!list.hasNext() || !fresh && !list.valid(now)) {
                if (fresh) {
                    break; // the segment is empty (a fresh list holds what is needed, and nothing changes under the stripe)
                }
                scan(segment, list, now, entriesOver, chunksOver);
                fresh = true;
                freed = 0;
                continue;
            }
            freed = evictIfUnchanged(list, list.next(), now, removed);
        }
        for (int i = 0; i < removed[0]; i++) {
            meters.evicted();
        }
        for (int i = 0; i < removed[1]; i++) {
            meters.expired();
        }
        return removed[0] + removed[1];
    }

    /**
     * Refills {@code list} from one pass over {@code segment}: the oldest entries (by {@link #rank})
     * numbering at least {@code entriesOver} and taking at least {@code chunksOver} chunks, and at
     * least 1/{@value #LOOKAHEAD} of the segment, so one scan serves several batches.
     */
    private void scan(int segment, EvictionCandidates list, long now, long entriesOver, long chunksOver) {
        try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
            long oversized = chunkBounds == null ? Long.MAX_VALUE : chunkBounds[segment];
            list.startScan(Math.max(entriesOver, c.size() / LOOKAHEAD), chunksOver);
            c.forEachSegmentEntry(e -> {
                int chunks = ChronicleMapInternals.iteratedEntrySizeInChunks(c); // the current entry
                Data<byte[]> v = e.value();
                long deadline = StampLayout.readLong(v.bytes(), v.offset() + StampLayout.DEADLINE_OFFSET);
                long access = StampLayout.readLong(v.bytes(), v.offset() + StampLayout.ACCESS_OFFSET);
                list.offer(rank(deadline, access, now, chunks, oversized), access, deadline, chunks, chunks > oversized,
                        e.key());
            });
            list.finish();
        }
    }

    /**
     * Removes candidate {@code i} of {@code list} if its entry still has the access stamp the scan
     * saw (not read nor written since), journaled as EXPIRE when it has expired, else EVICT, and
     * counted in {@code removed} (evicted, expired).
     *
     * @return the chunks it took, or -1 when it was left
     */
    private int evictIfUnchanged(EvictionCandidates list, int i, long now, int[] removed) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(list.keyStore(), list.keyOffset(i),
                list.keyLength(i))) {
            c.updateLock().lock();
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return -1;
            }
            Data<byte[]> v = e.value();
            if (StampLayout.readLong(v.bytes(), v.offset() + StampLayout.ACCESS_OFFSET) != list.access(i)) {
                return -1;
            }
            boolean expired = StampLayout.expired(
                    StampLayout.readLong(v.bytes(), v.offset() + StampLayout.DEADLINE_OFFSET), now);
            ChangeCause.removingAs(expired ? ChangeType.EXPIRE : ChangeType.EVICT, () -> c.remove(e));
            removed[expired ? 1 : 0]++;
            return list.chunks(i);
        }
    }

    /** Evicts {@code key} when its entry takes more than {@code share} chunks on its own; returns the chunks it took, else 0. */
    private int evictIfOversized(K key, long share) {
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return 0;
            }
            int chunks = ChronicleMapInternals.entrySizeInChunks(c);
            if (chunks <= share) {
                return 0;
            }
            ChangeCause.removingAs(ChangeType.EVICT, () -> c.remove(e));
            return chunks;
        }
    }

    /**
     * Eviction order: expired entries first, then entries of more than {@code oversized} chunks,
     * then by last access, oldest first.
     */
    private static long rank(long deadline, long access, long nowMillis, int chunks, long oversized) {
        if (StampLayout.expired(deadline, nowMillis)) {
            return EXPIRED;
        }
        if (chunks > oversized) {
            return OVERSIZED;
        }
        return access;
    }
}
