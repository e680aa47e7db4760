package dev.statestore.internal.chronicle;

import dev.statestore.Codec;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.internal.map.ChronicleStoreMap;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.impl.CompiledMapQueryContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment statestore computes from a key's hash is the segment Chronicle Map puts the key in
 * (its query context's {@code segmentIndex}), for every stored key type and several map shapes:
 * if they differed, a key's stripe would not guard the segment Chronicle changes.
 */
class KeySegmentsTest {
    private static final int KEYS = 100_000;
    /** Segment counts: one, powers of two, others (Chronicle splits those by modulo), and Chronicle's choice. */
    private static final int[] SEGMENTS = {1, 2, 3, 7, 64, 1000, 0};

    @TempDir
    Path dir;

    @Test
    void stringKeysLandInChronicleSegments() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        List<String> keys = new ArrayList<>(typed(KeySegments.checkKeys(String.class)));
        while (keys.size() < KEYS) {
            keys.add(randomString(random));
        }
        for (int segments : SEGMENTS) {
            assertSameSegments(String.class, keys, segments, 1_000, 12);
            assertSameSegments(String.class, keys, segments, 200_000, 400);
        }
    }

    @Test
    void byteArrayKeysLandInChronicleSegments() throws IOException {
        SplittableRandom random = new SplittableRandom(2);
        List<byte[]> keys = new ArrayList<>(typed(KeySegments.checkKeys(byte[].class)));
        while (keys.size() < KEYS) {
            int size = random.nextInt(10) == 0 ? random.nextInt(2000) : random.nextInt(67);
            byte[] key = new byte[size];
            random.nextBytes(key);
            keys.add(key);
        }
        for (int segments : SEGMENTS) {
            assertSameSegments(byte[].class, keys, segments, 1_000, 9);
            assertSameSegments(byte[].class, keys, segments, 200_000, 300);
        }
    }

    @Test
    void longKeysLandInChronicleSegments() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<Long> keys = new ArrayList<>(typed(KeySegments.checkKeys(Long.class)));
        while (keys.size() < KEYS) {
            keys.add(random.nextBoolean() ? random.nextLong() : random.nextLong(-1_000_000, 1_000_000));
        }
        for (int segments : SEGMENTS) {
            assertSameSegments(Long.class, keys, segments, 1_000, 0);
            assertSameSegments(Long.class, keys, segments, 200_000, 0);
        }
    }

    @Test
    void integerKeysLandInChronicleSegments() throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        List<Integer> keys = new ArrayList<>(typed(KeySegments.checkKeys(Integer.class)));
        while (keys.size() < KEYS) {
            keys.add(random.nextBoolean() ? random.nextInt() : random.nextInt(-100_000, 100_000));
        }
        for (int segments : SEGMENTS) {
            assertSameSegments(Integer.class, keys, segments, 1_000, 0);
            assertSameSegments(Integer.class, keys, segments, 200_000, 0);
        }
    }

    /** Chronicle writes each char on its own: a surrogate pair is 6 bytes, not UTF-8's 4. */
    @Test
    void stringBytesAreChroniclesNotStandardUtf8() {
        String smile = "\uD83D\uDE00";
        assertEquals(6, KeySegments.chronicleUtf8(smile).length);
        assertEquals(4, smile.getBytes(StandardCharsets.UTF_8).length);
        String mixed = "a\u00e9\u20ac";
        assertEquals(new String(mixed.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                new String(KeySegments.chronicleUtf8(mixed), StandardCharsets.UTF_8), "BMP chars: as UTF-8");
    }

    /** Every shape of store statestore opens, through the public API: the check at open passes. */
    @Test
    void storesOpenedByStatestoreFindSegmentsFromTheHash() {
        try (StateStore store = StateStore.open(dir.resolve("data"))) {
            List<StoreMap<?, ?>> maps = List.of(
                    store.map("strings", String.class, byte[].class),
                    store.map("longs", Long.class, String.class, MapOptions.builder().journal(false).build()),
                    store.map("ints", Integer.class, Long.class, MapOptions.builder().entries(100).build()),
                    store.map("bytes", byte[].class, byte[].class, MapOptions.builder().ttl(java.time.Duration.ofHours(1)).build()),
                    store.map("codec", Codec.json(dev.statestore.conformance.Item.class), Codec.forType(String.class),
                            MapOptions.defaults()));
            for (StoreMap<?, ?> m : maps) {
                ChronicleStoreMap<?, ?, ?, ?> map = (ChronicleStoreMap<?, ?, ?, ?>) m;
                assertTrue(map.segments().fromHash(), m.name());
            }
            @SuppressWarnings("unchecked")
            StoreMap<String, byte[]> strings = (StoreMap<String, byte[]>) maps.get(0);
            for (int i = 0; i < 1000; i++) {
                strings.put("k\u00e9y-" + i, new byte[] {(byte) i});
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals((byte) i, strings.get("k\u00e9y-" + i)[0]);
            }
        }
    }

    /** A Chronicle that hashed otherwise (simulated by a wrong hash here) is asked through a query context. */
    @Test
    void disagreementAtOpenFallsBackToQueryContext() throws IOException {
        try (ChronicleMap<String, byte[]> map = build(String.class, 16, 1_000, 12)) {
            KeySegments<String> right = KeySegments.forMap("t", map, String.class);
            assertTrue(right.fromHash());
            KeySegments<String> wrong = KeySegments.forMap("t", map, String.class, k -> KeySegments.hash(k) + 1);
            assertFalse(wrong.fromHash());
            KeySegments<String> throwing = KeySegments.forMap("t", map, String.class, k -> {
                throw new IllegalStateException("simulated");
            });
            assertFalse(throwing.fromHash());
            for (int i = 0; i < 1000; i++) {
                String key = "key-" + i;
                assertEquals(KeySegments.viaQueryContext(map, key), wrong.of(key));
                assertEquals(KeySegments.viaQueryContext(map, key), right.of(key));
            }
        }
    }

    @Test
    void asciiStringKeysAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] keys = {"", "k", "key-0000000042", "0123456789abcdef0123456789abcdef0123456789", "x".repeat(300)};
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the last round runs compiled code
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200_000; i++) {
                sink += KeySegments.hash(keys[i % keys.length]);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 2) {
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 200,000 hashes (" + sink + ")");
            }
        }
    }

    private <K> void assertSameSegments(Class<K> keyClass, List<K> keys, int segments, long entries, int averageKeySize)
            throws IOException {
        try (ChronicleMap<K, byte[]> map = build(keyClass, segments, entries, averageKeySize)) {
            KeySegments<K> computed = KeySegments.forMap("t", map, keyClass);
            assertTrue(computed.fromHash(), "the check at open passes");
            String shape = keyClass.getSimpleName() + " keys, " + segments + " segments asked, " + entries + " entries";
            for (K key : keys) {
                try (ExternalMapQueryContext<K, byte[], ?> c = map.queryContext(key)) {
                    CompiledMapQueryContext<?, ?, ?> q = (CompiledMapQueryContext<?, ?, ?>) c;
                    if (q.keyHash() != KeySegments.hash(key) || q.segmentIndex() != computed.of(key)) {
                        assertEquals(q.keyHash(), KeySegments.hash(key), shape + ": hash of " + describe(key));
                        assertEquals(q.segmentIndex(), computed.of(key), shape + ": segment of " + describe(key));
                    }
                }
            }
        }
    }

    private <K> ChronicleMap<K, byte[]> build(Class<K> keyClass, int segments, long entries, int averageKeySize)
            throws IOException {
        ChronicleMapBuilder<K, byte[]> builder = ChronicleMapBuilder.of(keyClass, byte[].class).name("t")
                .entries(entries).averageValueSize(entries > 10_000 ? 1000 : 16);
        if (averageKeySize > 0) {
            builder.averageKeySize(averageKeySize);
        }
        if (segments > 0) {
            builder.actualSegments(segments);
        }
        Path file = dir.resolve("t-" + System.nanoTime() + ".cm3");
        ChronicleMap<K, byte[]> map = builder.createPersistedTo(file.toFile());
        if (segments > 0) {
            assertEquals(segments, ((net.openhft.chronicle.map.VanillaChronicleMap<?, ?, ?>) map).segments());
        }
        return map;
    }

    /** ASCII, Latin-1, any BMP char (lone surrogates too), supplementary pairs; mostly short, some long. */
    private static String randomString(SplittableRandom random) {
        int length = switch (random.nextInt(20)) {
            case 0 -> 0;
            case 1 -> 100 + random.nextInt(2000);
            default -> random.nextInt(40);
        };
        int alphabet = random.nextInt(4);
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            switch (alphabet == 3 ? random.nextInt(4) : alphabet) {
                case 0 -> b.append((char) random.nextInt(0x80));
                case 1 -> b.append((char) random.nextInt(0x100));
                case 2 -> b.append((char) random.nextInt(0x10000));
                default -> b.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
        }
        return b.toString();
    }

    private static String describe(Object key) {
        return key instanceof byte[] b ? java.util.Arrays.toString(b)
                : key instanceof String s ? s.chars().mapToObj(c -> Integer.toHexString(c)).toList().toString()
                : String.valueOf(key);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> typed(List<?> checkKeys) {
        return (List<T>) checkKeys;
    }
}
