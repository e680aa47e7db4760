package dev.statestore.jcache;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The settings of the JCache provider: names, and where each is looked up (a CacheManager property
 * first, then the system property of the same name, then the default).
 */
final class JCacheProperties {
    /** The data directory of the default CacheManager (system property); env {@value #DATA_DIR_ENV} after it. */
    static final String DATA_DIR = "statestore.dataDir";
    static final String DATA_DIR_ENV = "STATESTORE_DATA_DIR";
    /** A YAML config file (StoreConfig.load) sizing the caches' stores: a CacheManager or system property. */
    static final String CONFIG = "statestore.config";
    /** Java serialization allow-list (jdk.serialFilter syntax, final '!*' implied); unset: serialization off. */
    static final String SERIAL_FILTER = "statestore.jcache.serialFilter";
    /** Seconds between background passes removing expired entries ({@link ExpirySweep}); 0: none. */
    static final String SWEEP_SECONDS = "statestore.jcache.sweepSeconds";
    /** Classes admitted when read back from JSON ({@link JsonTypes}). */
    static final String JSON_TYPES = "statestore.jcache.jsonTypes";

    private JCacheProperties() {
    }

    /** {@code name} from {@code properties}, else the system property, else null. */
    static String get(Properties properties, String name) {
        String v = properties == null ? null : properties.getProperty(name);
        return v != null ? v : System.getProperty(name);
    }

    /** The default data directory: {@value #DATA_DIR}, else {@value #DATA_DIR_ENV}, else ./data. */
    static Path defaultDataDir() {
        String dir = System.getProperty(DATA_DIR);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(DATA_DIR_ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = "data";
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** {@code dir} as a {@code file:} URI without a trailing '/' (Path.toUri adds one once the directory exists). */
    static URI uri(Path dir) {
        String s = dir.toUri().toString();
        return s.endsWith("/") && s.length() > "file:///".length() ? URI.create(s.substring(0, s.length() - 1)) : URI.create(s);
    }

    /** The data directory a CacheManager URI names: a {@code file:} URI, or a bare path. */
    static Path dataDir(URI uri) {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            return Path.of(uri).toAbsolutePath().normalize();
        }
        if (uri.getScheme() != null && uri.getScheme().length() > 1) {
            throw new IllegalArgumentException("A statestore CacheManager URI names a data directory: a file: URI or a path,"
                    + " not " + uri);
        }
        return Path.of(uri.toString()).toAbsolutePath().normalize();
    }
}
