/**
 * statestore as a JSR-107 (JCache 1.1.1) provider: {@link dev.statestore.jcache.StateStoreCachingProvider},
 * registered as a {@code javax.cache.spi.CachingProvider} service, and
 * {@link dev.statestore.jcache.StateStoreConfiguration} for the settings only statestore has. A
 * CacheManager's URI is a data directory and each cache is a store of it, so entries survive
 * restarts and are shared live with every JVM of the host that opens the same directory.
 *
 * <p>Built on the public API of {@code dev.statestore} alone (ApiBoundaryTest checks it): a cache is
 * a {@code StoreMap} whose every key operation is one {@code atomically} step; other processes'
 * changes reach listeners through {@code subscribe}. The rest of the package is package-private.
 * The README's "As your JCache / Spring cache" says what a user sees.
 */
package dev.statestore.jcache;
