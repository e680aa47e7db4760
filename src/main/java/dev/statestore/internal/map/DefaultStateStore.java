package dev.statestore.internal.map;

import dev.statestore.Codec;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StateStoreException;
import dev.statestore.StoreAdmin;
import dev.statestore.internal.admin.DefaultStoreAdmin;
import dev.statestore.StoreConfig;
import dev.statestore.StoreInfo;
import dev.statestore.StoreMap;
import dev.statestore.StoreNotFoundException;
import dev.statestore.TypeMismatchException;
import dev.statestore.internal.cache.ExpirySweeper;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.codec.JsonCodec;
import dev.statestore.internal.codec.OpaqueCodec;
import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.lock.StoreLock;
import dev.statestore.internal.platform.FileModes;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@link StateStore} of one data directory. Each store it opens is attached once and handed
 * out again to later {@code map} calls with the same codecs.
 */
public final class DefaultStateStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultStateStore.class);
    private final StoreConfig config;
    private final Path dataDir;
    private final FileModes modes;
    private final Map<String, OpenedStore> opened = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final long sweepIntervalMillis;
    private final StoreAdmin admin = new DefaultStoreAdmin(this);

    private DefaultStateStore(StoreConfig config, FileModes modes, long sweepIntervalMillis) {
        this.config = config;
        this.sweepIntervalMillis = sweepIntervalMillis;
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
        this.modes = modes;
    }

    public static DefaultStateStore open(StoreConfig config) {
        return open(config, ExpirySweeper.defaultIntervalMillis());
    }

    /**
     * As {@link #open(StoreConfig)}, with the interval at which each store with expiry tries to
     * sweep in the background (0: never; then only {@link #sweepExpired} sweeps, e.g. from the agent).
     */
    public static DefaultStateStore open(StoreConfig config, long sweepIntervalMillis) {
        FileModes modes = new FileModes(config.groupAccess());
        Path dir = config.dataDir().toAbsolutePath().normalize();
        try {
            modes.createDirectories(dir);
        } catch (IOException e) {
            throw new StateStoreException("Cannot create the data directory " + dir + " (" + e
                    + "): create it by hand or choose another with --data / dataDir", e);
        }
        if (!Files.isDirectory(dir) || !Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new StateStoreException("The data directory " + dir + " is not a readable and writable directory"
                    + " for this user: fix its permissions (chmod u+rwx) or choose another with --data / dataDir");
        }
        return new DefaultStateStore(config, modes, sweepIntervalMillis);
    }

    @Override
    public <K, V> StoreMap<K, V> map(String name, Class<K> keyType, Class<V> valueType) {
        return map(name, keyType, valueType, MapOptions.defaults());
    }

    @Override
    public <K, V> StoreMap<K, V> map(String name, Class<K> keyType, Class<V> valueType, MapOptions options) {
        return map(name, Codec.forType(keyType), Codec.forType(valueType), options);
    }

    @Override
    public <K, V> StoreMap<K, V> map(String name, Codec<K> keyCodec, Codec<V> valueCodec, MapOptions options) {
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        Objects.requireNonNull(options, "options");
        return attach(name, keyCodec, valueCodec, config.optionsFor(StoreConfig.checkStoreName(name), options), true);
    }

    /**
     * The existing store {@code name} with the codecs its metadata names, for tools that do not
     * know its types: JSON values come back as trees, values of user codecs as raw bytes.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    @SuppressWarnings("unchecked")
    public StoreMap<Object, Object> existing(String name) {
        StoreConfig.checkStoreName(name);
        StoreMetadata meta = StoreMetadata.read(StoreFiles.storeDir(dataDir, name), name);
        if (meta == null) {
            throw new StoreNotFoundException("No store '" + name + "' in " + dataDir
                    + ": 'statestore ls' lists the stores; 'statestore put' creates one");
        }
        Codec<Object> keys = (Codec<Object>) genericCodec(meta.keyCodec());
        Codec<Object> values = (Codec<Object>) genericCodec(meta.valueCodec());
        return attach(name, keys, values, MapOptions.defaults(), false);
    }

    /** The codec that decodes the values of store {@code name}'s journal events (for tools reading raw events). */
    @SuppressWarnings("unchecked")
    public Codec<Object> eventValueCodec(String name) {
        OpenedStore store = openedOrExisting(name);
        return (Codec<Object>) store.map.valueConversion().eventCodec();
    }

    /** The journal of store {@code name} (attached if needed), or null when it has none. */
    public dev.statestore.internal.journal.Journal journal(String name) {
        return openedOrExisting(name).journal;
    }

    /** Store {@code name} as this instance has attached it, attaching it first if needed. */
    public OpenedStore attached(String name) {
        return openedOrExisting(name);
    }

    /** Whether this instance has attached store {@code name}. */
    public boolean isAttached(String name) {
        return opened.containsKey(name);
    }

    /** Store {@code name} no longer attached by this instance, returned for the caller to close (null when it was not). */
    public OpenedStore detach(String name) {
        return opened.remove(name);
    }

    /** The file modes of this data directory. */
    public FileModes modes() {
        return modes;
    }

    private OpenedStore openedOrExisting(String name) {
        OpenedStore store = opened.get(StoreConfig.checkStoreName(name));
        if (store == null) {
            existing(name);
            store = opened.get(name);
        }
        return store;
    }

    /** The metadata of store {@code name}, or null when there is no such store. */
    public StoreMetadata metadata(String name) {
        StoreConfig.checkStoreName(name);
        return StoreMetadata.read(StoreFiles.storeDir(dataDir, name), name);
    }

    /** The names of the stores in the data directory, sorted. */
    public List<String> names() {
        ensureOpen();
        return storeNames();
    }

    /**
     * Runs {@code action} while store {@code name} is frozen in every process: this thread holds
     * the store's creation lock (no process attaches meanwhile) and every lock stripe, taken in
     * ascending order as multi-key changes take them, so no deadlock. Every Chronicle operation on
     * the map and every journal append runs under a stripe, so while the action runs neither the
     * map file nor the journal changes: a copy of them taken by the action is consistent. Writers
     * in all processes wait meanwhile; keep the action short, and do not use the store from it.
     *
     * @throws StoreNotFoundException when there is no such store
     * @throws dev.statestore.StoreLockTimeoutException when a live process holds a stripe past the lock timeout
     */
    public <T> T whileFrozen(String name, Supplier<T> action) {
        OpenedStore s = openedOrExisting(name);
        if (s.journal != null) {
            s.journal.ensureOpen(); // the action may read it (a backup does): opened before the freeze, not during it
        }
        StoreLock lock;
        try {
            lock = StoreLock.acquire(StoreFiles.storeDir(dataDir, name), modes);
        } catch (IOException e) {
            throw new StateStoreException("Store '" + name + "': cannot take its lock file (" + e + ")", e);
        }
        try {
            return s.map.withAllStripes(action);
        } finally {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("store '{}': releasing its lock file failed ({})", name, e.toString());
            }
        }
    }

    /** The codec that reads data of codec {@code id} without its Java type: built-ins, JSON trees, raw bytes. */
    public static Codec<?> genericCodec(String id) {
        Codec<?> builtin = BuiltinCodecs.byId(id);
        if (builtin != null) {
            return builtin;
        }
        return JsonCodec.ID.equals(id) ? JsonCodec.tree() : new OpaqueCodec(id);
    }

    @SuppressWarnings("unchecked")
    private <K, V> StoreMap<K, V> attach(String name, Codec<K> keyCodec, Codec<V> valueCodec, MapOptions options,
                                         boolean checkTypeNames) {
        ensureOpen();
        OpenedStore store = opened.computeIfAbsent(name, n -> {
            OpenedStore s = StoreOpener.open(n, StoreFiles.storeDir(dataDir, n), keyCodec, valueCodec, options, modes,
                    checkTypeNames);
            if (s.map.expiring()) {
                s.sweeper = ExpirySweeper.start(s.map, StoreFiles.storeDir(dataDir, n), modes, sweepIntervalMillis);
            }
            for (MeterRegistry registry : registries) {
                bind(s, registry);
            }
            return s;
        });
        StoreMap<?, ?> map = store.map;
        if (!sameCodec(map.keyCodec(), keyCodec) || !sameCodec(map.valueCodec(), valueCodec)) {
            throw new TypeMismatchException("Store '" + name + "' is already open in this StateStore as "
                    + map.keyCodec().type().getName() + " (" + map.keyCodec().id() + ") -> "
                    + map.valueCodec().type().getName() + " (" + map.valueCodec().id() + "), not as "
                    + keyCodec.type().getName() + " (" + keyCodec.id() + ") -> "
                    + valueCodec.type().getName() + " (" + valueCodec.id() + "): use the same types");
        }
        long near = options.resolvedNearCache();
        if (near > 0 && near != store.map.nearCacheEntries()) {
            throw new dev.statestore.ConfigException("Store '" + name + "' is already open in this StateStore "
                    + (store.map.nearCacheEntries() == 0 ? "without a near cache" : "with nearCache "
                    + store.map.nearCacheEntries()) + ", not nearCache " + near + ": the first map() call that opens a"
                    + " store decides; ask for the same nearCache in every call, or open another StateStore");
        }
        if (closed.get()) { // close() ran while this store was being attached
            closeOpened();
            ensureOpen();
        }
        return (StoreMap<K, V>) map;
    }

    private static boolean sameCodec(Codec<?> a, Codec<?> b) {
        return a.id().equals(b.id()) && a.type() == b.type();
    }

    @Override
    public List<StoreInfo> stores() {
        ensureOpen();
        List<StoreInfo> infos = new ArrayList<>();
        for (String name : storeNames()) {
            Path storeDir = StoreFiles.storeDir(dataDir, name);
            StoreMetadata meta = StoreMetadata.read(storeDir, name);
            if (meta == null) {
                continue;
            }
            OpenedStore open = opened.get(name);
            long entries;
            double fill;
            if (open != null) {
                entries = open.map.longSize();
                fill = open.map.fillRatio();
            } else { // attach only for the count, so this listing does not show itself as attached
                OpenedStore peek = StoreOpener.open(name, storeDir, genericCodec(meta.keyCodec()),
                        genericCodec(meta.valueCodec()), MapOptions.defaults(), modes, false);
                try {
                    entries = peek.map.longSize();
                    fill = peek.map.fillRatio();
                } finally {
                    peek.close();
                }
            }
            List<StoreInfo.AttachedProcess> attached;
            try (ProcessTable table = ProcessTable.openExisting(name, storeDir)) {
                attached = table == null ? List.of() : table.live();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            infos.add(new StoreInfo(name, meta.keyCodec(), meta.keyType(), meta.valueCodec(), meta.valueType(),
                    entries, (long) (meta.entries() * meta.maxGrowth()), fill, directorySize(storeDir), meta.createdInstant(), attached));
        }
        return infos;
    }

    private List<String> storeNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (StoreConfig.STORE_NAME.matcher(name).matches() && Files.exists(dir.resolve(StoreMetadata.FILE_NAME))) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new StateStoreException("Cannot list the data directory " + dataDir + " (" + e + "): check its permissions", e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** Apparent size of the files under {@code dir}. */
    public static long directorySize(Path dir) {
        return OpenedStoreFigures.directorySize(dir);
    }

    /**
     * Registers the meters of every store this instance has attached, and of those it attaches
     * later. Percentile histograms of the latency timers are on when the config says so.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        for (OpenedStore s : opened.values()) {
            bind(s, registry);
        }
    }

    private void bind(OpenedStore s, MeterRegistry registry) {
        s.map.meters().bindTo(registry, new OpenedStoreFigures(s, StoreFiles.storeDir(dataDir, s.metadata.name())),
                config.percentileHistograms(), config.timerSampling());
    }

    @Override
    public StoreAdmin admin() {
        return admin;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("This StateStore on " + dataDir + " is closed: open a new one");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeOpened();
        }
    }

    private void closeOpened() {
        RuntimeException failure = null;
        for (String name : List.copyOf(opened.keySet())) {
            OpenedStore store = opened.remove(name);
            if (store == null) {
                continue;
            }
            try {
                store.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
