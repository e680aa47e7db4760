package dev.statestore;

import dev.statestore.internal.Factory;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.nio.file.Path;
import java.util.List;

/**
 * A data directory of named stores, each a map in memory-mapped files that survives restarts and
 * is shared live with every other process that opens the same directory.
 *
 * <pre>{@code
 * try (StateStore store = StateStore.open(Path.of("data"))) {
 *     StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
 *     sessions.put("user-42", "{...}");
 * }
 * }</pre>
 *
 * <p>{@link #bindTo} registers Micrometer meters for every store the instance attaches:
 * {@code cache.gets}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size} (tag
 * {@code cache=<store>}) and {@code statestore.*}.
 *
 * <p>Instances are thread-safe. Several instances, in this JVM or others, may open the same
 * directory at once. {@link #close()} unmaps this instance's view; the data stays on disk.
 */
public interface StateStore extends AutoCloseable, MeterBinder {

    /** Opens (creating if needed) the data directory {@code dataDir} with default options. */
    static StateStore open(Path dataDir) {
        return open(StoreConfig.builder(dataDir).build());
    }

    /**
     * Opens (creating if needed) the data directory of {@code config}.
     *
     * @throws MissingJvmFlagsException when the JVM lacks the flags Chronicle needs
     * @throws StateStoreException when the directory cannot be created or read
     */
    static StateStore open(StoreConfig config) {
        return Factory.open(config);
    }

    /**
     * The store {@code name}, created with the config's options if it does not exist yet.
     * Types are mapped to codecs by {@link Codec#forType(Class)}.
     *
     * @throws InvalidStoreNameException for a bad name
     * @throws TypeMismatchException when the store exists with other types
     * @throws CorruptStoreException when the store's files are damaged
     */
    <K, V> StoreMap<K, V> map(String name, Class<K> keyType, Class<V> valueType);

    /** As {@link #map(String, Class, Class)}, creating the store with {@code options} if it is new. */
    <K, V> StoreMap<K, V> map(String name, Class<K> keyType, Class<V> valueType, MapOptions options);

    /** As {@link #map(String, Class, Class, MapOptions)} with explicit codecs. */
    <K, V> StoreMap<K, V> map(String name, Codec<K> keyCodec, Codec<V> valueCodec, MapOptions options);

    /**
     * What operators and the agent do to the stores of this data directory: verify, recover,
     * checkpoint, rebuild, compact, stats, sweep expired entries, entry bytes.
     */
    StoreAdmin admin();

    /** Every store of the data directory, with its types, size and attached processes (like {@code ipcs -m}). */
    List<StoreInfo> stores();

    /** The data directory. */
    Path dataDir();

    /** Unmaps every store this instance opened. Idempotent. */
    @Override
    void close();
}
