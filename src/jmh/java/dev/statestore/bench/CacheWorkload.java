package dev.statestore.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The key/value workload the JCache benchmarks share: {@code keys} keys {@code key-%010d} visited in
 * one shuffled order, values from a pool of {@code valueSize}-byte arrays, and the measuring
 * thread's CPU time per operation ({@link CpuClock}), each call of {@link #nextKey} one operation.
 */
final class CacheWorkload {
    private final String[] keys;
    private final int[] order;
    private final byte[][] pool;
    private final CpuClock cpu = new CpuClock();
    private int next;
    private int puts;

    CacheWorkload(int keys, int valueSize) {
        this.keys = Workload.keys(keys);
        this.order = Workload.shuffled(keys, 1);
        this.pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
    }

    int size() {
        return keys.length;
    }

    /** The {@code i}th key, for filling a store. */
    String key(int i) {
        return keys[i];
    }

    /** The value of the {@code i}th key when the store is filled. */
    byte[] initialValue(int i) {
        return Workload.initialValue(pool, i);
    }

    /** The next key of the shuffled order: one operation. */
    String nextKey() {
        cpu.op();
        int i = next++;
        if (next == order.length) {
            next = 0;
        }
        return keys[order[i]];
    }

    /** The next value a put writes. */
    byte[] nextValue() {
        return pool[puts++ & (Workload.VALUE_POOL - 1)];
    }

    /** At an iteration's setup (on the measuring thread). */
    void startClock() {
        cpu.start();
    }

    /** At an iteration's teardown: prints its CPU time per operation. */
    void reportClock(BenchmarkParams benchmark, IterationParams iteration) {
        cpu.report(benchmark, iteration);
    }
}
