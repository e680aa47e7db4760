package dev.statestore.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} with the settings only statestore has, for caches created in code:
 *
 * <pre>{@code
 * cacheManager.createCache("orders", new StateStoreConfiguration<Object, Object>()
 *         .serialFilter("com.example.orders.**;java.util.*"));
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class StateStoreConfiguration<K, V> extends MutableConfiguration<K, V> {
    private static final long serialVersionUID = 1L;

    private String serialFilter;

    public StateStoreConfiguration() {
    }

    /** A copy of {@code configuration}. */
    public StateStoreConfiguration(CompleteConfiguration<K, V> configuration) {
        super(configuration);
        if (configuration instanceof StateStoreConfiguration<K, V> s) {
            this.serialFilter = s.serialFilter;
        }
    }

    /**
     * Opts this cache in to Java serialization for values (and keys) no other encoding handles,
     * reading them back only through an {@code ObjectInputFilter} built from {@code pattern}
     * ({@code jdk.serialFilter} syntax, e.g. {@code com.example.**;java.util.*}) with a final
     * {@code !*} added: a class the pattern does not name is refused. Overrides the system or
     * CacheManager property {@code statestore.jcache.serialFilter}.
     */
    public StateStoreConfiguration<K, V> serialFilter(String pattern) {
        this.serialFilter = pattern;
        return this;
    }

    /** The per-cache serialization allow-list, or null. */
    public String serialFilter() {
        return serialFilter;
    }
}
