package dev.statestore.internal.metrics;

import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreMetersTest {
    @TempDir
    Path dir;

    @Test
    void boundRegistryCountsHitsMissesPutsAndReportsStoreFigures() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StateStore store = StateStore.open(StoreConfig.builder(dir).timerSampling(1).build())) {
            StoreMap<String, String> early = store.map("early", String.class, String.class);
            store.bindTo(registry);
            StoreMap<String, String> late = store.map("late", String.class, String.class); // bound on attach
            early.put("a", "1");
            early.put("b", "2");
            early.put("a", "3");
            assertEquals("3", early.get("a"));
            assertEquals("2", early.get("b"));
            early.get("missing");
            late.get("nothing");
            late.put("x", "y");
            early.remove("b");

            assertEquals(2.0, registry.get("cache.gets").tags("cache", "early", "result", "hit").functionCounter().count());
            assertEquals(1.0, registry.get("cache.gets").tags("cache", "early", "result", "miss").functionCounter().count());
            assertEquals(3.0, registry.get("cache.puts").tags("cache", "early").functionCounter().count());
            assertEquals(1.0, registry.get("cache.gets").tags("cache", "late", "result", "miss").functionCounter().count());
            assertEquals(1.0, registry.get("cache.puts").tags("cache", "late").functionCounter().count());
            assertEquals(1.0, registry.get("cache.size").tags("cache", "early").gauge().value());
            assertEquals(4.0, registry.get("statestore.journal.appends").tags("cache", "early").functionCounter().count());
            assertEquals(3, registry.get("statestore.operation").tags("cache", "early", "op", "get").timer().count());
            assertEquals(3, registry.get("statestore.operation").tags("cache", "early", "op", "put").timer().count());
            assertEquals(1, registry.get("statestore.operation").tags("cache", "early", "op", "remove").timer().count());
            assertTrue(registry.get("statestore.file").tags("cache", "early").gauge().value() > 0);
            assertEquals(1.0, registry.get("statestore.attached.processes").tags("cache", "early").gauge().value());
            double fill = registry.get("statestore.fill.ratio").tags("cache", "early").gauge().value();
            assertTrue(fill > 0 && fill < 0.001, "fill " + fill);
        }
    }

    @Test
    void byDefaultTimersSampleOneOperationInSixteenWhileCountersCountEveryOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StateStore store = StateStore.open(dir)) {
            store.bindTo(registry);
            StoreMap<String, String> m = store.map("sampled", String.class, String.class);
            m.put("k", "v");
            for (int i = 0; i < 16_000; i++) {
                m.get("k");
            }
            assertEquals(16_000.0, registry.get("cache.gets").tags("cache", "sampled", "result", "hit").functionCounter().count());
            long timed = registry.get("statestore.operation").tags("cache", "sampled", "op", "get").timer().count();
            assertTrue(timed > 500 && timed < 1500, "about 1000 of 16000 gets timed, was " + timed);
        }
    }
}
