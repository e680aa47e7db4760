package dev.statestore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Workload W of BENCHMARKS.md: {@code n} distinct keys {@code key-%010d} (14 bytes), values of
 * random bytes, visited in a shuffled order. Every benchmark builds the same data from the same
 * seeds, so the maps compared hold identical entries.
 */
public final class Workload {
    /** Entries of W. */
    public static final int KEYS = 1_000_000;
    /** Value size of W, in bytes. */
    public static final int VALUE_SIZE = 100;
    /** Distinct values the put benchmarks cycle through (a power of two). */
    public static final int VALUE_POOL = 1024;
    private static final long SEED = 0x5EED_2026L;

    private Workload() {
    }

    /** {@code key-%010d}, without String.format (about 50 times faster, for loading 1M keys). */
    public static String key(long i) {
        char[] c = {'k', 'e', 'y', '-', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
        for (int at = c.length - 1; i > 0 && at >= 4; at--, i /= 10) {
            c[at] = (char) ('0' + i % 10);
        }
        return new String(c);
    }

    public static String[] keys(int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key(i);
        }
        return keys;
    }

    /** The keys as bytes (ASCII, what the maps store), for the stores that take bytes. */
    public static byte[][] keyBytes(String[] keys) {
        byte[][] bytes = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            bytes[i] = keys[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    /** A random permutation of 0..n-1 (Fisher-Yates), the same for every map. */
    public static int[] shuffled(int n, long salt) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(SEED ^ salt);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** {@code count} random values of {@code size} bytes. */
    public static byte[][] values(int count, int size, long salt) {
        SplittableRandom random = new SplittableRandom(SEED * 31 + salt);
        byte[][] values = new byte[count][size];
        for (byte[] v : values) {
            for (int i = 0; i < size; i++) {
                v[i] = (byte) random.nextInt(256);
            }
        }
        return values;
    }

    /** The value W's loader puts under key {@code i} (one of {@link #VALUE_POOL} random values). */
    public static byte[] initialValue(byte[][] pool, int i) {
        return pool[i & (pool.length - 1)];
    }

    /** A fresh directory under {@code base} (for the headline figures: /dev/shm). */
    public static Path newDir(String base, String what) {
        try {
            Path parent = Path.of(base);
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "statestore-jmh-" + what + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per-thread position in the shuffled order; threads start far apart. */
    public static final class Cursor {
        private final int[] order;
        private int next;

        public Cursor(int[] order, int thread, int threads) {
            this.order = order;
            this.next = (int) ((long) order.length * thread / Math.max(1, threads));
        }

        /** The next key index in the shuffled order. */
        public int next() {
            int i = next;
            next = i + 1 == order.length ? 0 : i + 1;
            return order[i];
        }
    }
}
