package dev.statestore.bench;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Baseline: raw Chronicle Map, persisted to a file, sized as statestore sizes workload W (entries,
 * average key and value sizes, growth allowance 10), without journal, stripes or metrics.
 * {@code getUsing} reads into a buffer the thread reuses; {@code get} allocates the value, as
 * {@code StoreMap.get} must.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class ChronicleMapBench {
    @Param("1000000")
    int keys;
    @Param("100")
    int valueSize;
    @Param("/dev/shm")
    String dir;

    private Path dataDir;
    private ChronicleMap<String, byte[]> map;
    String[] keyStrings;
    int[] order;
    private byte[][] pool;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dataDir = Workload.newDir(dir, "chronicle");
        map = ChronicleMapBuilder.of(String.class, byte[].class).name("w").entries(keys).averageKeySize(14)
                .averageValueSize(valueSize).maxBloatFactor(10.0).createPersistedTo(dataDir.resolve("w.cm3").toFile());
        keyStrings = Workload.keys(keys);
        order = Workload.shuffled(keys, 1);
        pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
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
        int puts;

        @Setup(Level.Trial)
        public void setup(ChronicleMapBench bench, ThreadParams thread) {
            keys = new Workload.Cursor(bench.order, thread.getThreadIndex(), thread.getThreadCount());
            buffer = new byte[bench.valueSize];
        }
    }

    @Benchmark
    public byte[] getUsing(Cursor c) {
        return map.getUsing(keyStrings[c.keys.next()], c.buffer);
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
