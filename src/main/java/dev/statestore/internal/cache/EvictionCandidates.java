package dev.statestore.internal.cache;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;

import java.util.Arrays;

/**
 * One segment's eviction candidates, in this process: the oldest entries of the segment as one
 * scan found them, oldest first, each with the access stamp it had then, its size in chunks and a
 * copy of its key's bytes (so it is found again by the bytes Chronicle stores, with no codec round
 * trip). {@link StampedEntries} fills it with one pass over the segment and then evicts from it,
 * batch after batch, until it runs out, becomes stale, or is dropped.
 *
 * <p>Why a candidate whose access stamp has not changed is still among the segment's oldest: every
 * read and write of an entry restamps it with the current time, so an entry left out of the scan
 * (stamped later than every candidate) or written since keeps a later stamp, and a candidate read
 * or rewritten since no longer matches and is skipped. That holds across processes: other writers
 * restamp, remove or evict under the same stripe; a candidate they removed is simply not found.
 * What a stale list cannot see is an entry outside it that has expired since the scan (expired
 * entries go first): {@link #valid} refuses the list from the earliest deadline outside it on,
 * and at once when the scan left an expired or oversized entry out of it.
 *
 * <p>Not shared memory and not thread-safe: each instance belongs to one segment and is used only
 * by the thread holding that segment's stripe (whose acquisition, a CAS, orders the uses).
 *
 * <p>During a scan the candidates are a max-heap on rank (see {@code StampedEntries.rank}), holding
 * the fewest oldest entries seen so far that number at least {@code count} and take at least
 * {@code chunks} chunks; {@link #finish} sorts them, oldest first, into the list.
 */
final class EvictionCandidates {
    private static final int INITIAL = 16;

    private long[] rank = new long[INITIAL];
    private long[] access = new long[INITIAL];
    private long[] deadline = new long[INITIAL];
    private int[] chunks = new int[INITIAL];
    private int[] keyOffset = new int[INITIAL];
    private int[] keyLength = new int[INITIAL];
    private byte[] keys = new byte[INITIAL * 16];
    private BytesStore<?, byte[]> keyStore = BytesStore.wrap(keys);
    private int keyEnd;
    /** Candidates held (heap while scanning, then the list). */
    private int size;
    /** The next candidate of the list. */
    private int head;
    private long heldChunks;
    private long wantCount;
    private long wantChunks;
    /** The list is not used at or after this wall-clock time (epoch ms). */
    private long validUntil;

    /** Starts a scan that keeps the oldest entries numbering at least {@code count} and taking at least {@code chunks} chunks. */
    void startScan(long count, long chunks) {
        size = 0;
        head = 0;
        heldChunks = 0;
        keyEnd = 0;
        wantCount = Math.max(1, count);
        wantChunks = chunks;
        validUntil = Long.MAX_VALUE;
    }

    /**
     * Offers one entry of the scan; {@code key} is read only when the entry is kept.
     *
     * @param entryRank   eviction order, lowest first
     * @param entryAccess the access stamp the entry has now
     * @param entryExpiry its deadline ({@link StampLayout#NEVER}: none)
     * @param entryChunks its size in chunks
     * @param oversized   whether it is larger than the segment's byte share on its own
     */
    void offer(long entryRank, long entryAccess, long entryExpiry, int entryChunks, boolean oversized,
               Data<?> key) {
        if (enough(0, 0) && entryRank >= rank[0]) {
            leftOut(entryExpiry, oversized);
            return;
        }
        if (size == rank.length) {
            grow();
        }
        int len = (int) key.size();
        if (keyEnd + len > keys.length) {
            compactKeys(len);
        }
        key.writeTo(keyStore, keyEnd);
        int i = size++;
        rank[i] = entryRank;
        access[i] = entryAccess;
        deadline[i] = entryExpiry;
        chunks[i] = entryChunks;
        keyOffset[i] = keyEnd;
        keyLength[i] = len;
        keyEnd += len;
        heldChunks += entryChunks;
        siftUp(i);
        while (enough(1, chunks[0])) { // the newest kept is not needed any more
            leftOut(deadline[0], rank[0] == StampedEntries.OVERSIZED);
            heldChunks -= chunks[0];
            swap(0, --size);
            siftDown(0, size);
        }
    }

    /** Ends the scan: the kept entries become the list, oldest first. */
    void finish() {
        for (int end = size - 1; end > 0; end--) { // heap sort: the newest goes last
            swap(0, end);
            siftDown(0, end);
        }
        head = 0;
    }

    /** Whether a candidate is left. */
    boolean hasNext() {
        return head < size;
    }

    /** Whether the list may still be used at {@code nowMillis} (see the class comment). */
    boolean valid(long nowMillis) {
        return nowMillis < validUntil;
    }

    /** Forgets the list: the next eviction scans. */
    void drop() {
        size = 0;
        head = 0;
    }

    /** Takes the next candidate; its fields are read through the accessors until the next call. */
    int next() {
        return head++;
    }

    long access(int i) {
        return access[i];
    }

    int chunks(int i) {
        return chunks[i];
    }

    BytesStore<?, byte[]> keyStore() {
        return keyStore;
    }

    int keyOffset(int i) {
        return keyOffset[i];
    }

    int keyLength(int i) {
        return keyLength[i];
    }

    /** Whether the heap, less {@code dropCount} entries of {@code dropChunks} chunks, still holds what the scan wants. */
    private boolean enough(int dropCount, long dropChunks) {
        return size - dropCount >= wantCount && heldChunks - dropChunks >= wantChunks;
    }

    /** An entry the list will not hold: it may outdate the list (see the class comment). */
    private void leftOut(long entryExpiry, boolean oversized) {
        if (oversized) {
            validUntil = Long.MIN_VALUE;
        } else if (entryExpiry != StampLayout.NEVER) {
            validUntil = Math.min(validUntil, entryExpiry);
        }
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (rank[parent] >= rank[i]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i, int n) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                return;
            }
            if (child + 1 < n && rank[child + 1] > rank[child]) {
                child++;
            }
            if (rank[i] >= rank[child]) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int a, int b) {
        swap(rank, a, b);
        swap(access, a, b);
        swap(deadline, a, b);
        swap(chunks, a, b);
        swap(keyOffset, a, b);
        swap(keyLength, a, b);
    }

    private static void swap(long[] values, int a, int b) {
        long v = values[a];
        values[a] = values[b];
        values[b] = v;
    }

    private static void swap(int[] values, int a, int b) {
        int v = values[a];
        values[a] = values[b];
        values[b] = v;
    }

    private void grow() {
        int n = rank.length * 2;
        rank = Arrays.copyOf(rank, n);
        access = Arrays.copyOf(access, n);
        deadline = Arrays.copyOf(deadline, n);
        chunks = Arrays.copyOf(chunks, n);
        keyOffset = Arrays.copyOf(keyOffset, n);
        keyLength = Arrays.copyOf(keyLength, n);
    }

    /**
     * Makes room for {@code len} more key bytes: keeps only the keys of held entries (those of
     * entries dropped from the heap are garbage), in a larger array when they fill half of it.
     */
    private void compactKeys(int len) {
        long live = len;
        for (int i = 0; i < size; i++) {
            live += keyLength[i];
        }
        int capacity = keys.length;
        while (live * 2 > capacity) {
            capacity *= 2;
        }
        byte[] copy = new byte[capacity];
        int end = 0;
        for (int i = 0; i < size; i++) {
            System.arraycopy(keys, keyOffset[i], copy, end, keyLength[i]);
            keyOffset[i] = end;
            end += keyLength[i];
        }
        keys = copy;
        keyStore = BytesStore.wrap(keys);
        keyEnd = end;
    }
}
