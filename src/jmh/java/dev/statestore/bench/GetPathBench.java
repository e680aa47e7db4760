package dev.statestore.bench;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.impl.CompiledMapQueryContext;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic, not a comparison: the pieces of statestore's get path rebuilt on a raw Chronicle
 * Map of workload W, to price each one. statestore's {@code get} once opened a query context only
 * to learn the key's segment ({@code segmentOf}; it now derives it from the key's hash), takes the
 * key's stripe (a compare-and-swap on a word in shared memory; released by a store), then calls
 * Chronicle's {@code get} or {@code getUsing}. Compare:
 * <ul>
 *   <li>{@code stripedGetUsing}: a stripe taken and released around a raw {@code getUsing} (one
 *       compare-and-swap, one release store, on a 64-byte-strided lock table), what the stripe costs;</li>
 *   <li>{@code stripedGetUsingCasUnlock}: the same with a compare-and-swap to release it too, as
 *       statestore did before;</li>
 *   <li>{@code segmentOfOnly}: the first context alone (what {@code segmentOf} costs);</li>
 *   <li>{@code segmentOfThenGet}: both contexts, as statestore does, without stripes or metrics;</li>
 *   <li>{@code oneContextGet}: one context that finds the segment and reads the value (allocating it,
 *       as {@code StoreMap.get} must), the shape a single-lookup get would have;</li>
 *   <li>{@code oneContextGetUsing}: the same into a reused array.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class GetPathBench {
    @Param("1000000")
    int keys;
    @Param("100")
    int valueSize;
    @Param("/dev/shm")
    String dir;

    /** Lock words 64 bytes apart (8 longs), one per stripe, as statestore's stripe table lays them out. */
    private static final VarHandle LOCKS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int STRIPES = 512;
    private final long[] locks = new long[STRIPES * 8];

    private Path dataDir;
    private ChronicleMap<String, byte[]> map;
    String[] keyStrings;
    int[] order;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dataDir = Workload.newDir(dir, "getpath");
        map = ChronicleMapBuilder.of(String.class, byte[].class).name("w").entries(keys).averageKeySize(14)
                .averageValueSize(valueSize).maxBloatFactor(10.0).createPersistedTo(dataDir.resolve("w.cm3").toFile());
        keyStrings = Workload.keys(keys);
        order = Workload.shuffled(keys, 1);
        byte[][] pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
        for (int i = 0; i < keys; i++) {
            map.put(keyStrings[i], Workload.initialValue(pool, i));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        Workload.delete(dataDir);
    }

    @State(Scope.Thread)
    public static class Cursor {
        Workload.Cursor keys;
        byte[] buffer;

        @Setup(Level.Trial)
        public void setup(GetPathBench bench, ThreadParams thread) {
            keys = new Workload.Cursor(bench.order, thread.getThreadIndex(), thread.getThreadCount());
            buffer = new byte[bench.valueSize];
        }
    }

    private int segmentOf(String key) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            return ((CompiledMapQueryContext<?, ?, ?>) c).segmentIndex();
        }
    }

    @Benchmark
    public int segmentOfOnly(Cursor c) {
        return segmentOf(keyStrings[c.keys.next()]);
    }

    @Benchmark
    public byte[] segmentOfThenGet(Cursor c) {
        String key = keyStrings[c.keys.next()];
        int segment = segmentOf(key);
        byte[] v = map.get(key);
        return segment < 0 ? null : v;
    }

    private byte[] read(String key, byte[] using) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            int segment = ((CompiledMapQueryContext<?, ?, ?>) c).segmentIndex(); // where a stripe would be taken
            c.readLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null || segment < 0) {
                return null;
            }
            Data<byte[]> value = e.value();
            return value.getUsing(using);
        }
    }

    @Benchmark
    public byte[] oneContextGet(Cursor c) {
        return read(keyStrings[c.keys.next()], null);
    }

    @Benchmark
    public byte[] oneContextGetUsing(Cursor c) {
        return read(keyStrings[c.keys.next()], c.buffer);
    }

    @Benchmark
    public byte[] stripedGetUsing(Cursor c) {
        return striped(c, false);
    }

    @Benchmark
    public byte[] stripedGetUsingCasUnlock(Cursor c) {
        return striped(c, true);
    }

    /** A raw getUsing under a stripe taken by CAS and released by a release store or, {@code casUnlock}, a CAS. */
    private byte[] striped(Cursor c, boolean casUnlock) {
        String key = keyStrings[c.keys.next()];
        int lock = (key.hashCode() & (STRIPES - 1)) * 8;
        if (!LOCKS.compareAndSet(locks, lock, 0L, 1L)) {
            throw new IllegalStateException("stripe held");
        }
        try {
            return map.getUsing(key, c.buffer);
        } finally {
            if (casUnlock) {
                LOCKS.compareAndSet(locks, lock, 1L, 0L);
            } else {
                LOCKS.setRelease(locks, lock, 0L);
            }
        }
    }
}
