package dev.statestore.jcache;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 (JCache 1.1.1) provider of statestore: caches that survive restarts and are shared
 * live between the JVMs of one host. A CacheManager's URI is a data directory (a {@code file:} URI
 * or a path); the default one is {@code statestore.dataDir} (system property), else the environment
 * variable {@code STATESTORE_DATA_DIR}, else {@code ./data}. A cache is a store of that directory.
 *
 * <pre>{@code
 * CachingProvider provider = Caching.getCachingProvider("dev.statestore.jcache.StateStoreCachingProvider");
 * CacheManager manager = provider.getCacheManager(Path.of("data").toUri(), null);
 * Cache<String, String> sessions = manager.createCache("sessions",
 *         new MutableConfiguration<String, String>().setTypes(String.class, String.class));
 * }</pre>
 *
 * <p>Spring Boot: {@code spring.cache.type=jcache},
 * {@code spring.cache.jcache.provider=dev.statestore.jcache.StateStoreCachingProvider}.
 */
public final class StateStoreCachingProvider implements CachingProvider {
    /** By class loader, then by data directory (so "file:/x", "file:/x/" and "/x" are one CacheManager). */
    private final Map<ClassLoader, Map<java.nio.file.Path, StateStoreCacheManager>> managers = new WeakHashMap<>();

    /** The provider; normally found by {@code javax.cache.Caching} through its service file. */
    public StateStoreCachingProvider() {
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties p = properties == null ? new Properties() : properties;
        synchronized (managers) {
            Map<java.nio.file.Path, StateStoreCacheManager> byDir = managers.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
            java.nio.file.Path dir = JCacheProperties.dataDir(u);
            StateStoreCacheManager m = byDir.get(dir);
            if (m == null || m.isClosed()) {
                m = new StateStoreCacheManager(this, u, loader, p);
                byDir.put(dir, m);
            }
            return m;
        }
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return getClass().getClassLoader();
    }

    /** The default data directory as a {@code file:} URI. */
    @Override
    public URI getDefaultURI() {
        return JCacheProperties.uri(JCacheProperties.defaultDataDir());
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        for (StateStoreCacheManager m : snapshot()) {
            m.close();
        }
    }

    @Override
    public void close(ClassLoader classLoader) {
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<java.nio.file.Path, StateStoreCacheManager> byDir;
        synchronized (managers) {
            byDir = managers.remove(loader);
        }
        if (byDir != null) {
            for (StateStoreCacheManager m : byDir.values()) {
                m.close();
            }
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        StateStoreCacheManager m = null;
        synchronized (managers) {
            Map<java.nio.file.Path, StateStoreCacheManager> byDir = managers.get(loader);
            if (byDir != null) {
                m = byDir.remove(JCacheProperties.dataDir(Objects.requireNonNull(uri, "uri")));
            }
        }
        if (m != null) {
            m.close();
        }
    }

    /** Store-by-reference is not supported: a cache's entries live in shared files, always by value. */
    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return false;
    }

    void released(StateStoreCacheManager manager) {
        synchronized (managers) {
            Map<java.nio.file.Path, StateStoreCacheManager> byDir = managers.get(manager.getClassLoader());
            if (byDir != null) {
                byDir.remove(manager.dataDir(), manager);
            }
        }
    }

    private java.util.List<StateStoreCacheManager> snapshot() {
        java.util.List<StateStoreCacheManager> all = new java.util.ArrayList<>();
        synchronized (managers) {
            for (Map<java.nio.file.Path, StateStoreCacheManager> byDir : managers.values()) {
                all.addAll(byDir.values());
            }
            managers.clear();
        }
        return all;
    }
}
