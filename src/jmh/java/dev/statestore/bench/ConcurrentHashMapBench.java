package dev.statestore.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Baseline: an on-heap {@link ConcurrentHashMap} holding workload W (no sharing, no persistence). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class ConcurrentHashMapBench {
    @Param("1000000")
    int keys;
    @Param("100")
    int valueSize;

    private ConcurrentHashMap<String, byte[]> map;
    String[] keyStrings;
    int[] order;
    private byte[][] pool;

    @Setup(Level.Trial)
    public void open() {
        map = new ConcurrentHashMap<>(keys * 2);
        keyStrings = Workload.keys(keys);
        order = Workload.shuffled(keys, 1);
        pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
        for (int i = 0; i < keys; i++) {
            map.put(keyStrings[i], Workload.initialValue(pool, i).clone()); // a value object per entry, as a cache holds
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        Workload.Cursor keys;
        int puts;

        @Setup(Level.Trial)
        public void setup(ConcurrentHashMapBench bench, ThreadParams thread) {
            keys = new Workload.Cursor(bench.order, thread.getThreadIndex(), thread.getThreadCount());
        }
    }

    @Benchmark
    public byte[] get(Cursor c) {
        return map.get(keyStrings[c.keys.next()]);
    }

    @Benchmark
    public byte[] put(Cursor c) {
        return map.put(keyStrings[c.keys.next()], pool[c.puts++ & (Workload.VALUE_POOL - 1)]);
    }
}
