package dev.statestore.internal.near;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key versions near caches rely on (see {@link VersionTable}): every path that changes entries
 * bumps the version of the changed key (put, remove, atomically, clear, the sweeper's expiries,
 * eviction), in every store whether or not any process has a near cache; reads never bump.
 * Asserted on the shared table itself, so a path that changed entries without bumping fails here
 * even where no near-cache test reaches it.
 */
class KeyVersionTest {
    @TempDir
    Path dir;

    private static long sum(VersionTable t) {
        return t.sum();
    }

    /** The key's hash: what its slot in the table comes from. */
    @SuppressWarnings("unchecked")
    private static long hashOf(StoreMap<String, ?> m, String key) {
        return ((ChronicleStoreMap<String, ?, String, ?>) m).segments().hashOf(key);
    }

    private static VersionTable table(StoreMap<?, ?> m) {
        return ((ChronicleStoreMap<?, ?, ?, ?>) m).versions();
    }

    @Test
    void singleKeyChangesBumpTheirKeyAndReadsBumpNothing() {
        MapOptions[] kinds = {MapOptions.defaults(), MapOptions.builder().journal(false).build(),
                              MapOptions.builder().perEntryTtl(true).build()}; // journaled, plain without journal, stamped
        for (int kind = 0; kind < kinds.length; kind++) {
            MapOptions options = kinds[kind];
            try (StateStore store = StateStore.open(dir)) {
                StoreMap<String, String> m = store.map("kind" + kind, String.class, String.class, options);
                VersionTable t = table(m);
                long hash = hashOf(m, "k");
                long before = t.version(hash);
                m.put("k", "v");
                assertTrue(t.version(hash) > before, "put bumps (" + options + ")");
                long all = sum(t);
                m.get("k");
                m.getUsing("k", "x");
                m.containsKey("k");
                assertEquals(Map.of("k", "v"), Map.copyOf(m));
                m.size();
                assertEquals(all, sum(t), "reads bump nothing (" + options + ")");
                before = t.version(hash);
                m.remove("k");
                assertTrue(t.version(hash) > before, "remove bumps (" + options + ")");
                before = t.version(hash);
                m.computeIfAbsent("k", k -> "loaded");
                assertTrue(t.version(hash) > before, "computeIfAbsent bumps (" + options + ")");
            }
        }
    }

    @Test
    void atomicallyAndClearBumpTheKeysTheyChange() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("batch", String.class, String.class);
            VersionTable t = table(m);
            long a = t.version(hashOf(m, "a"));
            long b = t.version(hashOf(m, "b"));
            m.atomically(Set.of("a", "b"), view -> {
                view.put("a", "1");
                view.put("b", "2");
                return null;
            });
            assertTrue(t.version(hashOf(m, "a")) > a && t.version(hashOf(m, "b")) > b);
            for (int i = 0; i < 200; i++) {
                m.put("k" + i, "v");
            }
            long[] before = new long[200];
            for (int i = 0; i < before.length; i++) {
                before[i] = t.version(hashOf(m, "k" + i));
            }
            m.clear();
            for (int i = 0; i < 200; i++) {
                assertTrue(t.version(hashOf(m, "k" + i)) > before[i], "clear bumps the version of k" + i);
            }
        }
    }

    @Test
    void theSweepersExpiriesBumpTheirKeys() {
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build(), 0)) {
            StoreMap<String, String> m = store.map("ttl", String.class, String.class,
                    MapOptions.builder().perEntryTtl(true).build());
            for (int i = 0; i < 50; i++) {
                m.put("k" + i, "v", Duration.ofMillis(1));
            }
            long until = System.currentTimeMillis() + 2;
            while (System.currentTimeMillis() <= until) {
                Thread.onSpinWait(); // the deadline is a wall-clock time
            }
            VersionTable t = table(m);
            long before = sum(t);
            assertEquals(50, store.admin().sweepExpired("ttl"));
            assertTrue(sum(t) - before >= 50, "each expiry bumps: " + (sum(t) - before));
        }
    }

    @Test
    void evictionsBumpTheirKeys() {
        try (StateStore store = StateStore.open(dir)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<String, String> m = store.map("lru", String.class, String.class,
                    MapOptions.builder().maxEntries(256).build());
            for (int i = 0; i < 256; i++) {
                m.put("k" + i, "v");
            }
            VersionTable t = table(m);
            long before = sum(t);
            for (int i = 256; i < 512; i++) {
                m.put("k" + i, "v");
            }
            double evicted = registry.get("cache.evictions").functionCounter().count();
            assertTrue(evicted > 0);
            assertTrue(sum(t) - before >= 256 + (long) evicted, "256 inserts and " + evicted + " evictions bumped "
                    + (sum(t) - before));
        }
    }
}
