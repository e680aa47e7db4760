package dev.statestore;

import dev.statestore.testkit.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariants 9 and 11 on a real full disk: a store on a small tmpfs, written until the file system
 * is full. The change that does not fit is refused with a {@link DiskFullException} (never an
 * {@code InternalError} from a SIGBUS, never a JVM crash), everything acknowledged stays, and the
 * same handle works again once the file system has room (the tmpfs grown in place).
 */
class DiskFullTest {
    @TempDir
    Path dir;

    private Tmpfs tmpfs;

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    /**
     * Where no tmpfs can be mounted: the fault point makes every journal reservation fail as a full
     * disk would. A load in a child JVM is refused at the first change past what is reserved, with the
     * typed error and the fix; what was loaded before stays; without the fault the load goes on.
     */
    @Test
    void aJournalThatCannotReserveSpaceRefusesWritesTypedAndNothingAcknowledgedIsLost() throws Exception {
        Path data = dir.resolve("data");
        java.time.Duration line = java.time.Duration.ofSeconds(60);
        try (dev.statestore.testkit.ChildJvm child = dev.statestore.testkit.ChildJvm.cliWithJvmOptions(
                java.util.List.of("-Dstatestore.faults.reserveFails=true"), data, "load", "s")) {
            for (int i = 0; i < 10; i++) {
                child.writeLine("{\"key\":\"k" + i + "\",\"value\":\"v" + i + "\"}");
            }
            child.closeStdin();
            child.remainingLines(line);
            assertEquals(3, child.waitFor(line), child.stderr());
            assertTrue(child.stderr().contains("is full") && child.stderr().contains("free space"), child.stderr());
        }
        Map<String, String> loaded;
        try (StateStore store = StateStore.open(data)) {
            loaded = Map.copyOf(store.map("s", String.class, String.class));
            assertTrue(store.admin().verify("s").clean(), "the refused change left nothing half-written");
        }
        assertTrue(loaded.size() < 10, "a change was refused: " + loaded);
        loaded.forEach((k, v) -> assertEquals("v" + k.substring(1), v));
        try (dev.statestore.testkit.ChildJvm child = dev.statestore.testkit.ChildJvm.cli(data, "put", "s", "k9", "v9")) {
            child.closeStdin();
            assertEquals(0, child.waitFor(line), child.stderr());
        }
    }

    @Test
    void aFullDiskRefusesTheChangeTypedKeepsEverythingAcknowledgedAndWorksAgainOnceThereIsRoom() throws Exception {
        tmpfs = Tmpfs.mount(dir, 48, "the fault point statestore.faults.reserveFails covers the journal's side");
        Path mnt = tmpfs.path();
        // the map is sized up front for more than fits on the disk besides it: the journal fills the disk
        MapOptions options = MapOptions.builder().entries(7_000).averageValueSize(4096).maxGrowth(1.0).build();
        Map<String, byte[]> acknowledged = new LinkedHashMap<>();
        try (StateStore store = StateStore.open(mnt.resolve("data"))) {
            StoreMap<String, byte[]> m = store.map("full", String.class, byte[].class, options);
            StoreFullException refused = null;
            for (int i = 0; i < 100_000 && refused == null; i++) {
                byte[] value = new byte[4096];
                java.util.Arrays.fill(value, (byte) i);
                try {
                    m.put("k" + i, value);
                    acknowledged.put("k" + i, value);
                } catch (StoreFullException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "100,000 puts of 4 KiB never filled a 48 MiB file system");
            DiskFullException full = assertInstanceOf(DiskFullException.class, refused, String.valueOf(refused));
            assertTrue(full.getMessage().contains("Store 'full'") && full.getMessage().contains("free space"),
                    full.getMessage());
            assertTrue(full.usableBytes() >= 0 && full.directory() != null, full.directory() + " " + full.usableBytes());
            assertTrue(acknowledged.size() > 1_000, "only " + acknowledged.size() + " puts fit");
            // a read still works, and nothing acknowledged is gone
            for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
                assertArrayEquals(e.getValue(), m.get(e.getKey()), e.getKey());
            }

            tmpfs.resize(512);
            byte[] after = new byte[4096];
            m.put("after", after); // the same handle, no manual step
            acknowledged.put("after", after);
            assertTrue(store.admin().verify("full").clean(), store.admin().verify("full").summary());
        }
        try (StateStore store = StateStore.open(mnt.resolve("data"))) {
            StoreMap<String, byte[]> m = store.map("full", String.class, byte[].class);
            assertEquals(acknowledged.size(), m.size());
            for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
                assertArrayEquals(e.getValue(), m.get(e.getKey()), e.getKey());
            }
        }
    }
}
