package dev.statestore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StoreMap#getUsing}: reads byte[] values into the caller's array, on every kind of store. */
class GetUsingTest {
    private static final int VALUE_SIZE = 100;

    @TempDir
    Path dir;

    /** The read paths getUsing takes: Chronicle's fast read handle, the journaling handle's, a stamped store's, a near cache's. */
    enum Kind {
        JOURNALED(MapOptions.builder().entries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).build()),
        UNJOURNALED(MapOptions.builder().entries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).journal(false).build()),
        BOUNDED(MapOptions.builder().maxEntries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).build()),
        EXPIRING(MapOptions.builder().entries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).perEntryTtl(true).build()),
        /** Hits served from this process's near cache (copied into the caller's array). */
        NEAR(MapOptions.builder().entries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).nearCache(10_000).build()),
        NEAR_EXPIRING(MapOptions.builder().entries(10_000).averageKeySize(14).averageValueSize(VALUE_SIZE).perEntryTtl(true)
                .nearCache(10_000).build());

        final MapOptions options;

        Kind(MapOptions options) {
            this.options = options;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fillsAnArrayOfTheValuesLengthAndReturnsANewOneOtherwise(Kind kind) {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> m = store.map("values", String.class, byte[].class, kind.options);
            byte[] value = value(7);
            m.put("key-0000000007", value);

            byte[] reuse = new byte[VALUE_SIZE];
            assertSame(reuse, m.getUsing("key-0000000007", reuse));
            assertArrayEquals(value, reuse);

            byte[] tooShort = new byte[VALUE_SIZE - 1];
            byte[] read = m.getUsing("key-0000000007", tooShort);
            assertNotSame(tooShort, read);
            assertArrayEquals(value, read);
            assertArrayEquals(new byte[VALUE_SIZE - 1], tooShort, "an array of another length is left as it was");

            assertArrayEquals(value, m.getUsing("key-0000000007", null));
            byte[] untouched = value(9);
            assertNull(m.getUsing("key-0000000008", untouched));
            assertArrayEquals(value(9), untouched, "a miss leaves the array as it was");
        }
    }

    @Test
    void countsAsAGetInTheCacheMeters() {
        try (StateStore store = StateStore.open(dir)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<String, byte[]> m = store.map("counted", String.class, byte[].class, Kind.JOURNALED.options);
            m.put("present", value(1));
            byte[] reuse = new byte[VALUE_SIZE];
            m.getUsing("present", reuse);
            m.getUsing("present", reuse);
            m.getUsing("absent", reuse);
            assertEquals(2.0, registry.get("cache.gets").tags("cache", "counted", "result", "hit").functionCounter().count());
            assertEquals(1.0, registry.get("cache.gets").tags("cache", "counted", "result", "miss").functionCounter().count());
        }
    }

    @Test
    void anExpiredEntryIsAMissAndLeavesTheArrayAsItWas() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> m = store.map("ttl", String.class, byte[].class, Kind.EXPIRING.options);
            m.put("gone", value(3), Duration.ofMillis(1));
            m.put("kept", value(4), Duration.ofHours(1));
            long until = System.currentTimeMillis() + 2;
            while (System.currentTimeMillis() < until) {
                Thread.onSpinWait(); // the deadline is a wall-clock time: wait for the clock, not for a thread
            }
            byte[] reuse = value(5);
            assertNull(m.getUsing("gone", reuse));
            assertArrayEquals(value(5), reuse);
            assertArrayEquals(value(4), m.getUsing("kept", reuse));
        }
    }

    @Test
    void immutableValueTypesAreReturnedAsGetReturnsThem() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> strings = store.map("strings", String.class, String.class);
            strings.put("k", "héllo – 五月 😀");
            assertEquals("héllo – 五月 😀", strings.getUsing("k", "reuse is ignored"));
            StoreMap<Long, Long> longs = store.map("longs", Long.class, Long.class, Kind.BOUNDED.options);
            longs.put(1L, Long.MAX_VALUE);
            assertEquals(Long.MAX_VALUE, longs.getUsing(1L, 0L));
            assertNull(longs.getUsing(2L, 0L));
        }
    }

    /**
     * What getUsing is for: a reader of fixed-size values allocates nothing per read. Measured with
     * the JVM's per-thread allocation counter over many reads after a warm-up; {@code get} on the
     * same keys is the control that shows the counter sees a value's allocation.
     */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"JOURNALED", "UNJOURNALED", "BOUNDED", "NEAR", "NEAR_EXPIRING"})
    void readingFixedSizeValuesIntoOneArrayAllocatesNothingPerRead(Kind kind) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> m = store.map("w", String.class, byte[].class, kind.options);
            int keys = 1_000;
            String[] names = new String[keys];
            for (int i = 0; i < keys; i++) {
                names[i] = String.format("key-%010d", i);
                m.put(names[i], value(i));
            }
            byte[] reuse = new byte[VALUE_SIZE];
            int reads = 200_000;
            for (int i = 0; i < reads; i++) { // warm-up: the compilers, Chronicle's per-thread contexts
                m.getUsing(names[i % keys], reuse);
                m.get(names[i % keys]);
            }
            long checksum = 0;
            long usingBytes = Long.MAX_VALUE;
            // steady state: until the JIT has compiled the path (on a loaded machine it may lag the warm-up),
            // short-lived objects it would eliminate (java.time.Instant in the access stamp) are still allocated
            for (int round = 0; round < 10 && usingBytes >= reads / 10; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < reads; i++) {
                    checksum += m.getUsing(names[i % keys], reuse)[0];
                }
                usingBytes = threads.getCurrentThreadAllocatedBytes() - before;
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < reads; i++) {
                checksum += m.get(names[i % keys])[0];
            }
            long getBytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(getBytes >= (long) reads * VALUE_SIZE, "control: get allocates each value, measured "
                    + getBytes + " bytes for " + reads + " gets");
            assertTrue(usingBytes < reads / 10, "getUsing allocated " + usingBytes + " bytes in " + reads
                    + " reads after 10 rounds (get: " + getBytes + "); checksum " + checksum);
        }
    }

    private static byte[] value(int seed) {
        byte[] v = new byte[VALUE_SIZE];
        Arrays.fill(v, (byte) seed);
        v[0] = (byte) (seed * 31);
        return v;
    }
}
