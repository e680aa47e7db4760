package dev.statestore.internal.cache;

import dev.statestore.CompactReport;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store grows past the entries it was created for while processes stay attached, and compacts back. */
class GrowthTest {
    private static final Duration RUN = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void aStoreCreatedForTenThousandTakesAHundredThousandPutsFromTwoJvmsAndBothReadAll() {
        try (StateStore store = StateStore.open(dir)) { // created before both writers attach
            store.map("grown", String.class, String.class, MapOptions.builder().entries(10_000).build());
        }
        Path go = dir.resolve("go");
        try (ChildJvm a = ChildJvm.cli(dir, "workload", "write", "grown", "--await", go.toString(), "--count", "50000",
                "--start", "0");
             ChildJvm b = ChildJvm.cli(dir, "workload", "write", "grown", "--await", go.toString(), "--count", "50000",
                     "--start", "50000")) {
            touch(go);
            assertEquals(0, a.waitFor(RUN), a.stderr());
            assertEquals(0, b.waitFor(RUN), b.stderr());
        }
        try (ChildJvm a = ChildJvm.cli(dir, "workload", "check", "grown", "--count", "100000");
             ChildJvm b = ChildJvm.cli(dir, "workload", "check", "grown", "--count", "100000")) {
            assertEquals("present 100000 absent 0", a.readLine(RUN), a.stderr());
            assertEquals("present 100000 absent 0", b.readLine(RUN), b.stderr());
        }
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build())) {
            assertEquals(100_000, store.existing("grown").longSize());
            assertTrue(store.admin().verify("grown").clean(), store.admin().verify("grown").summary());
        }
    }

    @Test
    void compactRewritesTheStoreRightSizedKeepsEveryEntryAndIsRefusedWhileAnotherProcessIsAttached() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("c", String.class, String.class,
                    MapOptions.builder().entries(1_000).averageKeySize(8).averageValueSize(8).build());
            for (int i = 0; i < 8_000; i++) {
                m.put("k" + i, "v" + i);
            }
        }
        try (ChildJvm other = ChildJvm.cli(dir, "workload", "read", "c")) {
            assertEquals("ready", other.readLine(RUN), other.stderr());
            try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build())) {
                StateStoreException e = assertThrows(StateStoreException.class, () -> store.admin().compact("c", 0));
                assertTrue(e.getMessage().contains("attached"), e.getMessage());
            }
            other.closeStdin();
            assertEquals(0, other.waitFor(RUN));
        }
        try (DefaultStateStore store = DefaultStateStore.open(StoreConfig.builder(dir).build())) {
            CompactReport report = store.admin().compact("c", 0);
            assertEquals(8_000, report.entries(), report.summary());
            assertEquals(10_000, report.newSizedFor());
            assertEquals(10_000, store.metadata("c").entries());
            StoreMap<Object, Object> m = store.existing("c");
            for (int i = 0; i < 8_000; i++) {
                assertEquals("v" + i, m.get("k" + i));
            }
            assertTrue(m.fillRatio() < 0.1, "fill " + m.fillRatio());
            m.put("after", "compact");
            assertTrue(store.admin().verify("c").clean(), store.admin().verify("c").summary());
        }
    }

    private static void touch(Path file) {
        try {
            Files.createFile(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
