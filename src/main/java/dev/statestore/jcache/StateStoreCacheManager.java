package dev.statestore.jcache;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.StoreInfo;
import dev.statestore.StoreMap;
import dev.statestore.StoreStats;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/**
 * The caches of one data directory: the URI's, or, when the URI names a statestore YAML config
 * file (Spring Boot's {@code spring.cache.jcache.config}), that file's {@code dataDir}, with its
 * store options (as the property {@code statestore.config} gives them for a directory URI). Each
 * cache is a store of that directory, attached through a
 * {@link StateStore} of its own (so that closing or destroying one cache detaches exactly its
 * store). {@link #createCache} of a cache whose store exists on disk reattaches to it (what Spring
 * Boot does on every start); within one CacheManager a second {@code createCache} of a name throws.
 */
final class StateStoreCacheManager implements CacheManager {
    private final StateStoreCachingProvider provider;
    private final URI uri;
    private final Path dataDir;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final StoreConfig config;
    private final Map<String, StateStoreCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    StateStoreCacheManager(StateStoreCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        Path named = JCacheProperties.dataDir(uri);
        String configFile = JCacheProperties.get(properties, JCacheProperties.CONFIG);
        if (Files.isRegularFile(named)) {
            // a config file as the URI (what Spring Boot passes when spring.cache.jcache.config is set): its dataDir
            this.config = StoreConfig.load(named);
        } else {
            this.config = configFile == null ? StoreConfig.builder(named).build() : StoreConfig.load(Path.of(configFile), named);
        }
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("Cache " + cacheName + " already exists in this CacheManager: use getCache, or"
                        + " destroyCache first");
            }
            return open(cacheName, configuration, true);
        }
    }

    /** Attaches (or creates) the store of {@code cacheName} and returns its cache, registered in this manager. */
    private <K, V> StateStoreCache<K, V> open(String cacheName, Configuration<K, V> configuration, boolean create) {
        String storeName = CacheDirectory.storeName(cacheName);
        CacheDirectory.Marker marker = CacheDirectory.read(dataDir, storeName);
        String keyType = configuration.getKeyType().getName();
        String valueType = configuration.getValueType().getName();
        if (marker != null && (!keyType.equals(marker.keyType()) || !valueType.equals(marker.valueType()))) {
            throw new CacheException("Cache " + cacheName + " exists in " + dataDir + " with types " + marker.keyType() + " -> "
                    + marker.valueType() + ", not " + keyType + " -> " + valueType + ": create it with the same types"
                    + " (MutableConfiguration.setTypes), or destroy it first (CacheManager.destroyCache)");
        }
        if (marker == null && !create) {
            return null;
        }
        StateStore store = StateStore.open(config);
        try {
            String filter = serialFilter(configuration);
            JsonTypes json = new JsonTypes(JCacheProperties.get(properties, JCacheProperties.JSON_TYPES),
                    List.of(configuration.getKeyType(), configuration.getValueType()), classLoader);
            ObjectCodec codec = new ObjectCodec(json, JavaSerialization.of(filter, classLoader));
            StoreMap<Object, CacheValue> map = store.map(storeName, codec, CacheValue.codec(codec), MapOptions.defaults());
            if (marker == null) {
                CacheDirectory.write(dataDir, storeName, new CacheDirectory.Marker(cacheName, keyType, valueType));
            }
            long sweepSeconds = ExpirySweep.seconds(JCacheProperties.get(properties, JCacheProperties.SWEEP_SECONDS));
            StateStoreCache<K, V> cache = new StateStoreCache<>(this, cacheName, storeName, configuration, store, map, sweepSeconds);
            caches.put(cacheName, cache);
            return cache;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private String serialFilter(Configuration<?, ?> configuration) {
        if (configuration instanceof StateStoreConfiguration<?, ?> s && s.serialFilter() != null) {
            return s.serialFilter();
        }
        return JCacheProperties.get(properties, JCacheProperties.SERIAL_FILTER);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        ensureOpen();
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        Cache<K, V> cache = (Cache<K, V>) getCache(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> c = cache.getConfiguration(CompleteConfiguration.class);
        if (c.getKeyType() != keyType || c.getValueType() != valueType) {
            throw new ClassCastException("Cache " + cacheName + " holds " + c.getKeyType().getName() + " -> "
                    + c.getValueType().getName() + ", not " + keyType.getName() + " -> " + valueType.getName());
        }
        return cache;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        synchronized (caches) {
            StateStoreCache<?, ?> cache = caches.get(cacheName);
            if (cache != null) {
                return (Cache<K, V>) cache;
            }
            CacheDirectory.Marker marker = CacheDirectory.read(dataDir, CacheDirectory.storeName(cacheName));
            if (marker == null) {
                return null;
            }
            return (Cache<K, V>) open(cacheName, configurationOf(marker), false);
        }
    }

    /** The configuration a cache found on disk is reattached with: its recorded types, defaults otherwise. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Configuration<Object, Object> configurationOf(CacheDirectory.Marker marker) {
        try {
            Class<Object> k = (Class<Object>) Class.forName(marker.keyType(), false, classLoader);
            Class<Object> v = (Class<Object>) Class.forName(marker.valueType(), false, classLoader);
            return new javax.cache.configuration.MutableConfiguration().setTypes(k, v);
        } catch (ClassNotFoundException e) {
            throw new CacheException("Cache " + marker.name() + " holds " + marker.keyType() + " -> " + marker.valueType()
                    + ", a type not on this class path: " + e.getMessage(), e);
        }
    }

    @Override
    public Iterable<String> getCacheNames() {
        ensureOpen();
        Set<String> names = new LinkedHashSet<>(caches.keySet());
        names.addAll(CacheDirectory.cacheNames(dataDir));
        return Collections.unmodifiableSet(names);
    }

    /**
     * Closes the cache {@code cacheName} and deletes its store. Refused with a {@link CacheException}
     * naming them while other processes are attached to the store: they would go on using files no
     * longer in the directory.
     */
    @Override
    public void destroyCache(String cacheName) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        synchronized (caches) {
            String storeName = CacheDirectory.storeName(cacheName);
            StateStoreCache<?, ?> cache = caches.get(cacheName);
            if (cache == null && !Files.isDirectory(dataDir.resolve(storeName))) {
                return;
            }
            List<Long> others = otherProcesses(storeName, cache);
            if (!others.isEmpty()) {
                throw new CacheException("Cache " + cacheName + " (store " + storeName + " in " + dataDir + ") is still attached by"
                        + " processes " + others + " (this JVM is " + ProcessHandle.current().pid() + ": another CacheManager"
                        + " of it): close the cache (or its CacheManager) there, then destroy it");
            }
            if (cache != null) {
                caches.remove(cacheName);
                cache.closeResources();
            }
            CacheDirectory.delete(dataDir, storeName);
        }
    }

    /** The other processes attached to the store (read through the cache's own store when it is open here). */
    private List<Long> otherProcesses(String storeName, StateStoreCache<?, ?> cache) {
        if (!Files.isRegularFile(dataDir.resolve(storeName).resolve("store.json"))) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        StateStore probe = cache != null ? cache.unwrap(StateStore.class) : StateStore.open(config);
        try {
            StoreStats stats = probe.admin().stats(storeName);
            int own = 0; // the probe (or the cache's own store) is one: another is a CacheManager of this JVM
            for (StoreInfo.AttachedProcess p : stats.attached()) {
                if (p.pid() == self) {
                    own++;
                }
                if ((p.pid() != self || own > 1) && !pids.contains(p.pid())) {
                    pids.add(p.pid());
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // an unreadable store: deleting it is what destroy is for
        } finally {
            if (cache == null) {
                probe.close();
            }
        }
        return pids;
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        ensureOpen();
        StateStoreCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
        if (cache != null) {
            cache.setManagementEnabled(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        ensureOpen();
        StateStoreCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
        if (cache != null) {
            cache.setStatisticsEnabled(enabled);
        }
    }

    /** A cache closed by its user: no longer handed out. */
    void released(StateStoreCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            provider.released(this);
            RuntimeException failure = null;
            for (StateStoreCache<?, ?> cache : new ArrayList<>(caches.values())) {
                try {
                    cache.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            caches.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("A statestore CacheManager cannot be unwrapped to " + type.getName());
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("CacheManager " + uri + " is closed: get a new one from the CachingProvider");
        }
    }
}
