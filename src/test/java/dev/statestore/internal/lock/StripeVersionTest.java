package dev.statestore.internal.lock;

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
 * The stripe versions near caches rely on (see {@link StripeTable}, "Versions, for near caches"):
 * every path that changes entries bumps the version of the changed key's stripe (put, remove,
 * atomically, clear, the sweeper's expiries, eviction), in every store whether or not any process
 * has a near cache; reads never bump. Asserted on the shared table itself, so a path that changed
 * entries without bumping fails here even where no near-cache test reaches it.
 */
class StripeVersionTest {
    @TempDir
    Path dir;

    private static long sum(StripeTable t) {
        long sum = 0;
        for (int i = 0; i < t.stripes(); i++) {
            sum += t.version(i);
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static int stripeOf(StoreMap<String, ?> m, String key) {
        return ((ChronicleStoreMap<String, ?, String, ?>) m).segments().of(key);
    }

    private static StripeTable table(StoreMap<?, ?> m) {
        return ((ChronicleStoreMap<?, ?, ?, ?>) m).stripes();
    }

    @Test
    void singleKeyChangesBumpTheirStripeAndReadsBumpNothing() {
        MapOptions[] kinds = {MapOptions.defaults(), MapOptions.builder().journal(false).build(),
                              MapOptions.builder().perEntryTtl(true).build()}; // journaled, plain without journal, stamped
        for (int kind = 0; kind < kinds.length; kind++) {
            MapOptions options = kinds[kind];
            try (StateStore store = StateStore.open(dir)) {
                StoreMap<String, String> m = store.map("kind" + kind, String.class, String.class, options);
                StripeTable t = table(m);
                int stripe = stripeOf(m, "k");
                long before = t.version(stripe);
                m.put("k", "v");
                assertTrue(t.version(stripe) > before, "put bumps (" + options + ")");
                long all = sum(t);
                m.get("k");
                m.getUsing("k", "x");
                m.containsKey("k");
                assertEquals(Map.of("k", "v"), Map.copyOf(m));
                m.size();
                assertEquals(all, sum(t), "reads bump nothing (" + options + ")");
                before = t.version(stripe);
                m.remove("k");
                assertTrue(t.version(stripe) > before, "remove bumps (" + options + ")");
                before = t.version(stripe);
                m.computeIfAbsent("k", k -> "loaded");
                assertTrue(t.version(stripe) > before, "computeIfAbsent bumps (" + options + ")");
            }
        }
    }

    @Test
    void atomicallyAndClearBumpTheStripesTheyChange() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("batch", String.class, String.class);
            StripeTable t = table(m);
            long a = t.version(stripeOf(m, "a"));
            long b = t.version(stripeOf(m, "b"));
            m.atomically(Set.of("a", "b"), view -> {
                view.put("a", "1");
                view.put("b", "2");
                return null;
            });
            assertTrue(t.version(stripeOf(m, "a")) > a && t.version(stripeOf(m, "b")) > b);
            for (int i = 0; i < 200; i++) {
                m.put("k" + i, "v");
            }
            long[] before = new long[t.stripes()];
            for (int i = 0; i < before.length; i++) {
                before[i] = t.version(i);
            }
            m.clear();
            for (int i = 0; i < 200; i++) {
                int s = stripeOf(m, "k" + i);
                assertTrue(t.version(s) > before[s], "clear bumps the stripe of k" + i);
            }
        }
    }

    @Test
    void theSweepersExpiriesBumpTheirStripes() {
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
            StripeTable t = table(m);
            long before = sum(t);
            assertEquals(50, store.admin().sweepExpired("ttl"));
            assertTrue(sum(t) - before >= 50, "each expiry bumps: " + (sum(t) - before));
        }
    }

    @Test
    void evictionsBumpTheirStripes() {
        try (StateStore store = StateStore.open(dir)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            store.bindTo(registry);
            StoreMap<String, String> m = store.map("lru", String.class, String.class,
                    MapOptions.builder().maxEntries(256).build());
            for (int i = 0; i < 256; i++) {
                m.put("k" + i, "v");
            }
            StripeTable t = table(m);
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
