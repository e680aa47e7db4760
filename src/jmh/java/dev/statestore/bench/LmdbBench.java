package dev.statestore.bench;

import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
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

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Baseline: LMDB through lmdbjava, workload W in one database of an environment in {@code dir}.
 * Each get is a read transaction of its own that copies the value into a reused array (the value
 * LMDB returns points into the map and is only valid inside the transaction); each put is a
 * committed write transaction. {@code MDB_NOSYNC}: commits are not flushed, like statestore's
 * {@code sync: none/async} (on tmpfs a flush would cost nearly nothing anyway).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
@Threads(1)
public class LmdbBench {
    @Param("1000000")
    int keys;
    @Param("100")
    int valueSize;
    @Param("/dev/shm")
    String dir;

    private Path dataDir;
    private Env<ByteBuffer> env;
    private Dbi<ByteBuffer> db;
    byte[][] keyBytes;
    int[] order;
    private byte[][] pool;

    @Setup(Level.Trial)
    public void open() {
        dataDir = Workload.newDir(dir, "lmdb");
        env = Env.create().setMapSize(4L << 30).setMaxDbs(1).setMaxReaders(16)
                .open(dataDir.toFile(), EnvFlags.MDB_NOSYNC);
        db = env.openDbi("w", DbiFlags.MDB_CREATE);
        keyBytes = Workload.keyBytes(Workload.keys(keys));
        order = Workload.shuffled(keys, 1);
        pool = Workload.values(Workload.VALUE_POOL, valueSize, 2);
        ByteBuffer k = ByteBuffer.allocateDirect(env.getMaxKeySize());
        ByteBuffer v = ByteBuffer.allocateDirect(valueSize);
        int batch = 100_000;
        for (int from = 0; from < keys; from += batch) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (int i = from; i < Math.min(keys, from + batch); i++) {
                    k.clear();
                    k.put(keyBytes[i]).flip();
                    v.clear();
                    v.put(Workload.initialValue(pool, i)).flip();
                    db.put(txn, k, v);
                }
                txn.commit();
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        db.close();
        env.close();
        Workload.delete(dataDir);
    }

    @State(Scope.Thread)
    public static class Cursor {
        Workload.Cursor keys;
        ByteBuffer key;
        ByteBuffer value;
        byte[] out;
        int puts;

        @Setup(Level.Trial)
        public void setup(LmdbBench bench, ThreadParams thread) {
            keys = new Workload.Cursor(bench.order, thread.getThreadIndex(), thread.getThreadCount());
            key = ByteBuffer.allocateDirect(bench.env.getMaxKeySize());
            value = ByteBuffer.allocateDirect(bench.valueSize);
            out = new byte[bench.valueSize];
        }
    }

    private ByteBuffer key(Cursor c) {
        c.key.clear();
        c.key.put(keyBytes[c.keys.next()]).flip();
        return c.key;
    }

    @Benchmark
    public byte[] get(Cursor c) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer v = db.get(txn, key(c));
            v.get(c.out, 0, Math.min(c.out.length, v.remaining()));
            return c.out;
        }
    }

    @Benchmark
    public boolean put(Cursor c) {
        ByteBuffer k = key(c);
        c.value.clear();
        c.value.put(pool[c.puts++ & (Workload.VALUE_POOL - 1)]).flip();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            boolean done = db.put(txn, k, c.value);
            txn.commit();
            return done;
        }
    }
}
