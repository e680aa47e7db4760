package dev.statestore.jcache;

import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.spi.CachingProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One JCache cache used from several JVMs at once, each a child JVM driven line by line over
 * stdin/stdout: a put in one is read in the other, a listener in one hears the other's changes, an
 * entry processor counter incremented from two JVMs at once loses no increment, destroying the
 * cache from a third is refused while they use it, and every entry survives {@code kill -9} of both.
 */
class JCacheMultiProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The cache whose entries expire 300 ms after their creation, with no background sweep (reads find them expired). */
    private static final String EXPIRING = "expiring";

    @TempDir
    Path dir;

    @Test
    void twoJvmsShareOneCacheListenToEachOtherCountWithoutLossAndSurviveKill9() {
        Path data = dir.resolve("data");
        try (ChildJvm a = child(data); ChildJvm b = child(data)) {
            ask(a, "put greeting hello", "ok");
            ask(b, "get greeting", "hello");

            // destroying a cache other processes use is refused, naming them; they go on working
            CacheManager here = Caching.getCachingProvider(StateStoreCachingProvider.class.getName())
                    .getCacheManager(data.toUri(), getClass().getClassLoader(), new Properties());
            try {
                CacheException refused = assertThrows(CacheException.class, () -> here.destroyCache("shared Cache"));
                assertTrue(refused.getMessage().contains(String.valueOf(a.pid())), refused.getMessage());
                assertTrue(refused.getMessage().contains(String.valueOf(b.pid())), refused.getMessage());
            } finally {
                here.close();
            }
            ask(b, "get greeting", "hello");

            ask(b, "listen", "listening");
            ask(a, "put greeting bonjour", "ok");
            ask(a, "put other x", "ok");
            assertEquals("event UPDATED greeting bonjour", b.readLine(WAIT));
            assertEquals("event CREATED other x", b.readLine(WAIT));
            ask(a, "remove other", "ok");
            assertEquals("event REMOVED other null", b.readLine(WAIT)); // no old value: the journal records new values only
            ask(a, "put other x", "ok");
            assertEquals("event CREATED other x", b.readLine(WAIT));

            a.writeLine("incr counter 1500");
            b.writeLine("incr counter 1500");
            assertEquals("done", a.readLine(WAIT));
            assertEquals("done", skipEvents(b));
            ask(a, "get counter", "3000");

            a.kill();
            b.kill();
        }
        try (ChildJvm c = child(data)) {
            ask(c, "get greeting", "bonjour");
            ask(c, "get counter", "3000");
            ask(c, "get other", "x");
        }
    }

    @Test
    void anEntryThatExpiredInOneJvmIsHeardAsExpiredInAnother() {
        Path data = dir.resolve("data");
        try (ChildJvm a = child(data, EXPIRING); ChildJvm b = child(data, EXPIRING)) {
            ask(b, "listen", "listening");
            ask(a, "put session s1", "ok");
            assertEquals("event CREATED session s1", b.readLine(WAIT));
            // A reads the entry until its deadline has passed: the read that finds it expired removes it
            ask(a, "await-expiry session", "expired");
            assertEquals("event EXPIRED session null", b.readLine(WAIT)); // no value: the journal records none for removals
            ask(b, "get session", "null");
        }
    }

    private static ChildJvm child(Path data) {
        return child(data, "shared");
    }

    /** A child using the cache {@code "shared Cache"} (eternal) or {@link #EXPIRING}. */
    private static ChildJvm child(Path data, String cache) {
        ChildJvm c = ChildJvm.start(CacheUser.class.getName(), List.of(data.toString(), cache));
        assertEquals("ready", c.readLine(WAIT), c::stderr);
        return c;
    }

    private static void ask(ChildJvm child, String command, String expected) {
        child.writeLine(command);
        assertEquals(expected, skipEvents(child), () -> command + "; stderr:\n" + child.stderr());
    }

    /** The next line that is not a listener event (the counter's updates are heard too). */
    private static String skipEvents(ChildJvm child) {
        for (;;) {
            String line = child.readLine(WAIT);
            if (line == null || !line.startsWith("event ")) {
                return line;
            }
        }
    }

    /** The child JVM: the data directory and which cache as arguments, commands on stdin, answers on stdout. */
    public static final class CacheUser {
        public static void main(String[] args) throws Exception {
            CachingProvider provider = Caching.getCachingProvider(StateStoreCachingProvider.class.getName());
            Properties properties = new Properties();
            MutableConfiguration<String, Object> configuration = new MutableConfiguration<String, Object>()
                    .setTypes(String.class, Object.class);
            String name = "shared Cache";
            if (args[1].equals(EXPIRING)) {
                properties.setProperty(JCacheProperties.SWEEP_SECONDS, "0");
                configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 300)));
                name = "expiring Cache";
            }
            CacheManager manager = provider.getCacheManager(Path.of(args[0]).toUri(), CacheUser.class.getClassLoader(),
                    properties);
            Cache<String, Object> cache = manager.createCache(name, configuration);
            System.out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.split(" ");
                switch (w[0]) {
                    case "put":
                        cache.put(w[1], w[2]);
                        System.out.println("ok");
                        break;
                    case "remove":
                        cache.remove(w[1]);
                        System.out.println("ok");
                        break;
                    case "get":
                        System.out.println(cache.get(w[1]));
                        break;
                    case "await-expiry": // reads the key until a read finds it gone: polls with a deadline
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (cache.get(w[1]) != null && System.nanoTime() < deadline) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                        }
                        System.out.println(cache.get(w[1]) == null ? "expired" : "still there after 30 s");
                        break;
                    case "listen":
                        cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<String, Object>(
                                FactoryBuilder.factoryOf(new Printer()), null, false, false));
                        System.out.println("listening");
                        break;
                    case "incr":
                        for (int i = 0; i < Integer.parseInt(w[2]); i++) {
                            cache.invoke(w[1], (entry, arguments) -> {
                                Object v = entry.getValue();
                                entry.setValue(v == null ? 1L : (Long) v + 1);
                                return null;
                            });
                        }
                        System.out.println("done");
                        break;
                    default:
                        System.out.println("unknown command " + line);
                }
            }
        }
    }

    /** Prints the events it hears. */
    public static final class Printer implements CacheEntryCreatedListener<String, Object>, CacheEntryUpdatedListener<String, Object>,
            CacheEntryRemovedListener<String, Object>, CacheEntryExpiredListener<String, Object>, java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ?>> events) {
            print(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ?>> events) {
            print(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ?>> events) {
            print(events);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ?>> events) {
            print(events);
        }

        private static void print(Iterable<CacheEntryEvent<? extends String, ?>> events) {
            for (CacheEntryEvent<? extends String, ?> e : events) {
                System.out.println("event " + e.getEventType() + " " + e.getKey() + " " + e.getValue());
            }
        }
    }
}
