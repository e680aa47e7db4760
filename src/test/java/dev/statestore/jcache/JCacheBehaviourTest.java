package dev.statestore.jcache;

import io.micrometer.core.instrument.binder.cache.JCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What statestore adds to JCache: deadlines that hold across restarts, the codecs' allow-lists, metrics. */
class JCacheBehaviourTest {
    @TempDir
    Path dir;

    private final CachingProvider provider = Caching.getCachingProvider(StateStoreCachingProvider.class.getName());
    private final List<CacheManager> managers = new ArrayList<>();

    @AfterEach
    void close() {
        managers.forEach(CacheManager::close);
    }

    private CacheManager manager(String serialFilter) {
        Properties p = new Properties();
        p.setProperty(JCacheProperties.SERIAL_FILTER, serialFilter);
        CacheManager m = provider.getCacheManager(dir.toUri(), getClass().getClassLoader(), p);
        managers.add(m);
        return m;
    }

    @Test
    void anExpiryDeadlineHoldsAcrossANewCacheManager() throws InterruptedException {
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>().setTypes(String.class, String.class)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 1500)));
        CacheManager first = manager("");
        first.createCache("short", config).put("k", "v");
        first.close();

        Cache<String, String> again = manager("").createCache("short", config);
        assertEquals("v", again.get("k")); // written under 1.5 s ago: the deadline came back with the entry
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (again.get("k") != null) {
            assertTrue(System.nanoTime() < deadline, "the entry should have expired 1.5 s after it was written");
            Thread.sleep(50); // polling a clock-driven expiry, not standing in for a signal
        }
        assertFalse(again.containsKey("k"));
    }

    @Test
    void expiredEntriesNobodyReadsAreSweptAndReportedExpired() throws InterruptedException {
        Properties p = new Properties();
        p.setProperty(JCacheProperties.SERIAL_FILTER, "");
        p.setProperty(JCacheProperties.SWEEP_SECONDS, "1");
        CacheManager m = provider.getCacheManager(dir.toUri(), getClass().getClassLoader(), p);
        managers.add(m);
        java.util.concurrent.atomic.AtomicInteger expired = new java.util.concurrent.atomic.AtomicInteger();
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>().setTypes(String.class, String.class)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 200)))
                .addCacheEntryListenerConfiguration(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
                        javax.cache.configuration.FactoryBuilder.factoryOf(new ExpiryCounter(expired)), null, true, true));
        Cache<String, String> cache = m.createCache("swept", config);
        for (int i = 0; i < 10; i++) {
            cache.put("k" + i, "v");
        }
        @SuppressWarnings("unchecked")
        dev.statestore.StoreMap<Object, ?> store = cache.unwrap(dev.statestore.StoreMap.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.longSize() > 0 || expired.get() < 10) { // nobody reads them: only the sweep removes them
            assertTrue(System.nanoTime() < deadline, "the sweep should have removed the 10 expired entries and reported"
                    + " them; left " + store.longSize() + ", reported " + expired.get());
            Thread.sleep(50); // polling a timer-driven sweep (its events are delivered after its pass)
        }
        assertEquals(10, expired.get());
    }

    /** Counts expiry events. */
    static final class ExpiryCounter implements javax.cache.event.CacheEntryExpiredListener<String, String>, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final transient java.util.concurrent.atomic.AtomicInteger count;

        ExpiryCounter(java.util.concurrent.atomic.AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void onExpired(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> count.incrementAndGet());
        }
    }

    /** A value of a class in the Java serialization allow-list. */
    static final class Parcel implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final String content;

        Parcel(String content) {
            this.content = content;
        }
    }

    @Test
    void serializedEntriesAreReadBackOnlyThroughTheAllowList() {
        CacheManager writer = manager("dev.statestore.jcache.*");
        Cache<Object, Object> cache = writer.createCache("parcels", new MutableConfiguration<>());
        cache.put("p", new Parcel("books"));
        assertEquals("books", ((Parcel) cache.get("p")).content);
        writer.close();

        // another CacheManager (another process, say) whose allow-list does not name the class: refused, not instantiated
        Cache<Object, Object> reader = manager("java.lang.*").createCache("parcels", new MutableConfiguration<>());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.get("p"));
        assertTrue(e.getMessage().contains(JCacheProperties.SERIAL_FILTER), e.getMessage());
        reader.getCacheManager().close();

        // and a CacheManager without serialization says how to turn it on
        Cache<Object, Object> off = manager("").createCache("parcels", new MutableConfiguration<>());
        e = assertThrows(IllegalArgumentException.class, () -> off.get("p"));
        assertTrue(e.getMessage().contains("has not opted in"), e.getMessage());
    }

    /** A record this JVM never stores: only bytes written elsewhere name it. */
    record NeverStoredHere(String name) {
    }

    @Test
    void aJsonEntryOfATypeThisJvmNeverStoredIsReadOnlyWhenTheAllowListNamesIt() {
        byte[] json = "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        byte[] className = NeverStoredHere.class.getName().getBytes(StandardCharsets.UTF_8);
        byte[] stored = ByteBuffer.allocate(3 + className.length + json.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 32).putShort((short) className.length).put(className).put(json).array();

        ObjectCodec closed = new ObjectCodec(new JsonTypes(null, List.of(), getClass().getClassLoader()), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> closed.decode(stored));
        assertTrue(e.getMessage().contains(JCacheProperties.JSON_TYPES), e.getMessage());

        ObjectCodec open = new ObjectCodec(new JsonTypes("dev.statestore.jcache.*", List.of(), getClass().getClassLoader()), null);
        assertEquals(new NeverStoredHere("x"), open.decode(stored));
    }

    /** A POJO Jackson can write but not create: no usable constructor. */
    static final class NoConstructor {
        private final String name;

        NoConstructor(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    @Test
    void aPojoThatJsonCannotReadBackIsRefusedWhenStoredNotOnEveryLaterGet() {
        Cache<Object, Object> cache = manager("").createCache("pojos", new MutableConfiguration<>());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.put("k", new NoConstructor("x")));
        assertTrue(e.getMessage().contains("cannot read it back"), e.getMessage());
        assertFalse(cache.containsKey("k"));
    }

    @Test
    void jdkValueTypesRoundTripAndEqualKeysEncodeEqually() {
        ObjectCodec codec = new ObjectCodec(new JsonTypes(null, List.of(), getClass().getClassLoader()), null);
        List<Object> values = List.of("text", 42L, 7, (short) 3, (byte) 1, true, 'c', 2.5d, 1.5f,
                new java.math.BigInteger("123456789012345678901234567890"), new java.math.BigDecimal("1.50"),
                java.util.UUID.randomUUID(), new java.util.Date(1234567L), java.time.Instant.ofEpochSecond(5, 6),
                java.time.LocalDate.of(2026, 12, 5), java.time.Duration.ofMinutes(3), java.time.DayOfWeek.FRIDAY);
        for (Object v : values) {
            assertEquals(v, codec.decode(codec.encode(v)), v.getClass().getName());
        }
        assertTrue(java.util.Arrays.equals(codec.encode(new java.util.Date(5)), codec.encode(new java.util.Date(5))));
        assertFalse(java.util.Arrays.equals(codec.encode(1), codec.encode(1L)), "Integer 1 and Long 1 are different keys");
    }

    @Test
    void micrometersJCacheMetricsReadTheStatisticsMxBean() {
        Cache<String, String> cache = manager("").createCache("metered",
                new MutableConfiguration<String, String>().setTypes(String.class, String.class).setStatisticsEnabled(true));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JCacheMetrics.monitor(registry, cache);
        cache.put("a", "1");
        cache.get("a");
        cache.get("a");
        assertNull(cache.get("missing"));
        assertEquals(2.0, registry.get("cache.gets").tag("result", "hit").functionCounter().count());
        assertEquals(1.0, registry.get("cache.gets").tag("result", "miss").functionCounter().count());
        assertEquals(1.0, registry.get("cache.puts").functionCounter().count());
    }
}
