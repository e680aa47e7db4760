package dev.statestore.map;

import dev.statestore.ChangeType;
import dev.statestore.journal.ChangeCause;
import dev.statestore.metrics.StoreMeters;
import net.openhft.chronicle.hash.ChecksumEntry;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

import java.util.Arrays;
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
 * A bounded store of {@code maxEntries} gives each Chronicle segment {@code s} of {@code S} a
 * bound of {@code maxEntries / S} (the remainder spread over the first segments, so the bounds sum
 * to {@code maxEntries}). An insert that takes its segment past the bound evicts, under the same
 * stripe, the least recently used entries of that segment, by the last-access clock every read and
 * write stamps: exact LRU within the segment (the whole segment is scanned, not sampled), which
 * approximates a store-wide LRU because keys hash uniformly over segments. To amortize the scan it
 * evicts a batch: down to {@code bound - bound/64} entries (at least one). Expired entries are
 * taken first, journaled as {@link ChangeType#EXPIRE}; the others as {@link ChangeType#EVICT}.
 * The store therefore never holds more than {@code maxEntries} entries once a write returns, and
 * holds between {@code maxEntries - maxEntries/64} and {@code maxEntries} when full. Hit ratio
 * against an exact LRU of the same size: BENCHMARKS.md, "Eviction hit ratio".
 */
final class StampedEntries<K> {
    private final ChronicleMap<K, byte[]> map;
    private final StoreMeters meters;
    private final boolean checksums;
    private final long[] bounds;
    /** Reads stamp the access clock (bounded store). */
    private final boolean touchAccess;
    /** Reads push the deadline of expiring entries to now + this (expire after access); 0: no. */
    private final long accessTtlMillis;

    StampedEntries(ChronicleMap<K, byte[]> map, StoreMeters meters, long maxEntries, int segments,
                   long accessTtlMillis) {
        this.map = map;
        this.meters = meters;
        this.checksums = ((VanillaChronicleHash<?, ?, ?, ?>) map).checksumEntries;
        this.bounds = maxEntries > 0 ? segmentBounds(maxEntries, segments) : null;
        this.touchAccess = maxEntries > 0;
        this.accessTtlMillis = accessTtlMillis;
    }

    static long[] segmentBounds(long maxEntries, int segments) {
        long[] b = new long[segments];
        for (int s = 0; s < segments; s++) {
            b[s] = maxEntries / segments + (s < maxEntries % segments ? 1 : 0);
        }
        return b;
    }

    /** A stored value as verify compares it; see {@link StampLayout#comparable}. */
    byte[] comparable(byte[] stored) {
        return StampLayout.comparable(stored, accessTtlMillis > 0);
    }

    boolean bounded() {
        return bounds != null;
    }

    /** Whether a read changes the entry (access clock or deadline) and so needs the update lock. */
    boolean readsWrite() {
        return touchAccess || accessTtlMillis > 0;
    }

    /** The live stored value of {@code key} (null when absent or expired); refreshes its header when reads do. */
    byte[] read(K key) {
        long now = System.currentTimeMillis();
        try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
            if (readsWrite()) {
                c.updateLock().lock();
            }
            MapEntry<K, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> value = e.value();
            long deadline = StampLayout.readLong(value.bytes(), value.offset() + StampLayout.DEADLINE_OFFSET);
            if (StampLayout.expired(deadline, now)) {
                return null;
            }
            if (readsWrite()) {
                touch(c, e, deadline, now);
            }
            return value.getUsing(null);
        }
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
    byte[] update(K key, UnaryOperator<byte[]> step) {
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

    /** Removes the expired entries of {@code segment}, journaled as EXPIRE; the caller holds its stripe. */
    int sweep(int segment) {
        long now = System.currentTimeMillis();
        int[] removed = {0};
        ChangeCause.removingAs(ChangeType.EXPIRE, () -> {
            try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    Data<byte[]> v = e.value();
                    if (StampLayout.expired(StampLayout.readLong(v.bytes(), v.offset()), now)) {
                        e.context().remove(e);
                        removed[0]++;
                    }
                });
            }
        });
        for (int i = 0; i < removed[0]; i++) {
            meters.expired();
        }
        return removed[0];
    }

    /** Entries of {@code segment} that have not expired; the caller holds its stripe. */
    long live(int segment) {
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

    /**
     * Evicts from {@code segment} when it holds more than its bound (see the class comment); the
     * caller holds its stripe.
     *
     * @return entries removed
     */
    int evictIfOver(int segment) {
        if (bounds == null) {
            return 0;
        }
        long bound = bounds[segment];
        try (MapSegmentContext<K, byte[], ?> c = map.segmentContext(segment)) {
            long size = c.size();
            if (size <= bound) {
                return 0;
            }
            int victims = (int) Math.min(size, size - bound + bound / 64);
            long now = System.currentTimeMillis();
            long[] ranks = new long[(int) size];
            int[] n = {0};
            c.forEachSegmentEntry(e -> {
                if (n[0] < ranks.length) {
                    ranks[n[0]++] = rank(e, now);
                }
            });
            long[] sorted = Arrays.copyOf(ranks, n[0]);
            Arrays.sort(sorted);
            long threshold = sorted[Math.min(victims, sorted.length) - 1];
            int[] evicted = {0};
            int[] expired = {0};
            ChangeCause.removingAs(ChangeType.EVICT, () -> c.forEachSegmentEntryWhile(e -> {
                long rank = rank(e, now);
                if (rank <= threshold) {
                    if (rank == Long.MIN_VALUE) {
                        ChangeCause.removingAs(ChangeType.EXPIRE, () -> e.context().remove(e));
                        expired[0]++;
                    } else {
                        e.context().remove(e);
                        evicted[0]++;
                    }
                }
                return evicted[0] + expired[0] < victims;
            }));
            for (int i = 0; i < evicted[0]; i++) {
                meters.evicted();
            }
            for (int i = 0; i < expired[0]; i++) {
                meters.expired();
            }
            return evicted[0] + expired[0];
        }
    }

    /** Eviction order: expired entries first, then by last access, oldest first. */
    private static long rank(MapEntry<?, byte[]> e, long nowMillis) {
        Data<byte[]> v = e.value();
        if (StampLayout.expired(StampLayout.readLong(v.bytes(), v.offset() + StampLayout.DEADLINE_OFFSET), nowMillis)) {
            return Long.MIN_VALUE;
        }
        return StampLayout.readLong(v.bytes(), v.offset() + StampLayout.ACCESS_OFFSET);
    }
}
