package dev.statestore.jcache;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider, its CacheManagers and the life of a cache as a store: create, reattach, destroy. */
class JCacheProviderTest {
    @TempDir
    Path dir;

    private CachingProvider provider;
    private final List<CacheManager> managers = new ArrayList<>();

    @BeforeEach
    void provider() {
        provider = Caching.getCachingProvider(StateStoreCachingProvider.class.getName());
    }

    @AfterEach
    void close() {
        managers.forEach(CacheManager::close);
    }

    private CacheManager manager() {
        Properties p = new Properties();
        p.setProperty("statestore.jcache.serialFilter", ""); // off, whatever the JVM's system property says
        CacheManager m = provider.getCacheManager(dir.toUri(), getClass().getClassLoader(), p);
        managers.add(m);
        return m;
    }

    @Test
    void theProviderIsFoundAsAServiceAndItsManagerUriIsTheDataDirectory() {
        assertTrue(Caching.getCachingProvider() instanceof StateStoreCachingProvider);
        CacheManager m = manager();
        assertSame(m, provider.getCacheManager(dir.toUri(), getClass().getClassLoader(), new Properties()));
        Cache<String, String> c = m.createCache("sessions",
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        assertTrue(Files.isRegularFile(dir.resolve("sessions").resolve("store.json")));
        StoreMap<?, ?> store = c.unwrap(StoreMap.class);
        assertEquals("sessions", store.name());
        assertEquals(dir.toAbsolutePath().normalize(), c.unwrap(StateStore.class).dataDir());
    }

    @Test
    void aBarePathIsADataDirectoryToo() {
        CacheManager m = provider.getCacheManager(java.net.URI.create(dir.toString()), null, null);
        managers.add(m);
        m.createCache("c", new MutableConfiguration<>());
        assertTrue(Files.isDirectory(dir.resolve("c")));
    }

    @Test
    void entriesSurviveANewCacheManagerAndCreateCacheReattaches() {
        CacheManager first = manager();
        Cache<Object, Object> c = first.createCache("Greetings Cache", new MutableConfiguration<>());
        c.put("hello", "world");
        c.put(42L, new Greeting("hi", 3));
        first.close();

        CacheManager second = manager();
        assertNotSame(first, second);
        Cache<Object, Object> again = second.createCache("Greetings Cache", new MutableConfiguration<>());
        assertEquals("world", again.get("hello"));
        assertEquals(new Greeting("hi", 3), again.get(42L));
        assertTrue(second.getCacheNames().iterator().hasNext());
    }

    /** A record stored as JSON. */
    record Greeting(String text, int times) {
    }

    @Test
    void aJdkCollectionIsRefusedWithoutSerializationNamingTheProperty() {
        Cache<Object, Object> c = manager().createCache("untyped", new MutableConfiguration<>());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.put("k", new ArrayList<>(List.of(1))));
        assertTrue(e.getMessage().contains("statestore.jcache.serialFilter"), e.getMessage());
        assertNull(c.get("k"));
    }

    @Test
    void reattachingWithOtherTypesIsRefused() {
        CacheManager m = manager();
        m.createCache("typed", new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
        m.close();
        CacheException e = assertThrows(CacheException.class,
                () -> manager().createCache("typed", new MutableConfiguration<Long, Long>().setTypes(Long.class, Long.class)));
        assertTrue(e.getMessage().contains("java.lang.String -> java.lang.Long"), e.getMessage());
    }

    @Test
    void aSecondCreateCacheOfANameInOneManagerThrows() {
        CacheManager m = manager();
        m.createCache("c", new MutableConfiguration<>());
        assertThrows(CacheException.class, () -> m.createCache("c", new MutableConfiguration<>()));
    }

    @Test
    void destroyCacheDeletesTheStoreAndANewCacheOfTheNameIsEmpty() {
        CacheManager m = manager();
        Cache<String, String> c = m.createCache("gone", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        m.destroyCache("gone");
        assertTrue(c.isClosed());
        assertFalse(Files.exists(dir.resolve("gone")));
        assertNull(m.getCache("gone"));
        Cache<String, String> again = m.createCache("gone",
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        assertNotSame(c, again);
        assertNull(again.get("k"));
    }

    @Test
    void destroyAndCreateAgainRepeatedlyStartsEmptyEachTime() {
        CacheManager m = manager();
        for (int i = 0; i < 5; i++) {
            Cache<Integer, String> c = m.createCache("Some.Test",
                    new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class));
            assertFalse(c.containsKey(123), "round " + i);
            c.put(123, "abc");
            c.invoke(123, (entry, args) -> {
                entry.setValue("def");
                return null;
            });
            m.destroyCache("Some.Test");
            Cache<Integer, String> d = m.createCache("Some.Test",
                    new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class));
            assertThrows(javax.cache.processor.EntryProcessorException.class, () -> d.invoke(1, (entry, args) -> {
                throw new UnsupportedOperationException();
            }));
            m.destroyCache("Some.Test");
        }
    }

    @Test
    void aConfigFileAsTheUriNamesTheDataDirectoryAndSizesTheStores() throws Exception {
        Path config = dir.resolve("statestore.yaml");
        Files.writeString(config, "dataDir: " + dir.resolve("cachedata") + "\n"
                + "stores:\n  orders:\n    entries: 5000\n");
        CacheManager m = provider.getCacheManager(config.toUri(), null, null); // as Spring Boot passes spring.cache.jcache.config
        managers.add(m);
        Cache<String, String> c = m.createCache("orders",
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        Path data = c.unwrap(StateStore.class).dataDir();
        if (System.getProperty("statestore.dataDir") == null) { // which overrides a config file's dataDir, as for the agent
            assertEquals(dir.resolve("cachedata"), data);
        }
        assertTrue(Files.readString(data.resolve("orders").resolve("store.json")).contains("5000"));
    }

    @Test
    void twoCacheManagersOfOneJvmHearEachOthersChangesWithOldValues() {
        CacheManager a = manager();
        CacheManager b = new StateStoreCachingProvider().getCacheManager(dir.toUri(), null, null);
        managers.add(b);
        Cache<String, String> viaA = a.createCache("shared",
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        Cache<String, String> viaB = b.getCache("shared", String.class, String.class);
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        viaB.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
                javax.cache.configuration.FactoryBuilder.factoryOf(new Recorder(heard)), null, true, true));
        viaA.put("k", "v1");
        viaA.put("k", "v2");
        viaA.remove("k");
        assertEquals(List.of("CREATED k v1 null", "UPDATED k v2 v1", "REMOVED k v2 v2"), heard);
    }

    /** Records the events it hears as "TYPE key value old". */
    static final class Recorder implements javax.cache.event.CacheEntryCreatedListener<String, String>,
            javax.cache.event.CacheEntryUpdatedListener<String, String>, javax.cache.event.CacheEntryRemovedListener<String, String>,
            java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final transient List<String> heard;

        Recorder(List<String> heard) {
            this.heard = heard;
        }

        private void record(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.add(e.getEventType() + " " + e.getKey() + " " + e.getValue() + " " + e.getOldValue()));
        }

        @Override
        public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onRemoved(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }
    }
}
