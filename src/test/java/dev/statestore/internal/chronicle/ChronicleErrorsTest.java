package dev.statestore.internal.chronicle;

import dev.statestore.DiskFullException;
import dev.statestore.StoreFullException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract {@link ChronicleErrors} relies on: Chronicle Map throws each failure users handle
 * with the type and from the method it says. Fails when a Chronicle version changes them (then fix
 * {@link ChronicleErrors}, nothing else).
 */
class ChronicleErrorsTest {
    private static final String HINT = "created for entries=100";

    @TempDir
    Path dir;

    @Test
    void aMapOutOfTiersThrowsFromAllocateTierAndIsTranslatedToStoreFull() throws IOException {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(100).averageKeySize(8).averageValueSize(8).maxBloatFactor(1.0)
                .createPersistedTo(dir.resolve("full").toFile())) {
            RuntimeException raw = null;
            for (int i = 0; i < 100_000 && raw == null; i++) {
                try {
                    map.put("key-" + i, "value-" + i);
                } catch (RuntimeException e) {
                    raw = e;
                }
            }
            if (raw == null) {
                fail("100,000 puts into a map for 100 entries with maxBloatFactor 1.0 never failed");
            }
            assertInstanceOf(IllegalStateException.class, raw, "Chronicle's type for no tier left");
            assertEquals(ChronicleErrors.TIER_ALLOCATION, raw.getStackTrace()[0].getMethodName(), "where it is thrown");
            RuntimeException typed = ChronicleErrors.translate("full", map, HINT, raw);
            assertInstanceOf(StoreFullException.class, typed);
            assertTrue(typed.getMessage().contains("Store 'full' is full") && typed.getMessage().contains(HINT)
                    && typed.getMessage().contains("statestore compact full --entries N"), typed.getMessage());
            assertSame(raw, typed.getCause());
        }
    }

    @Test
    void anEntryTooLargeThrowsFromTheAllocationAndIsTranslatedToStoreFull() throws IOException {
        try (ChronicleMap<String, byte[]> map = ChronicleMapBuilder.of(String.class, byte[].class)
                .entries(100).averageKeySize(8).averageValueSize(16)
                .createPersistedTo(dir.resolve("large").toFile())) {
            byte[] huge = new byte[64 << 20];
            IllegalArgumentException inserted = assertThrows(IllegalArgumentException.class, () -> map.put("new", huge));
            assertTrue(ChronicleErrors.thrownBy(inserted, ChronicleErrors.ENTRY_ALLOCATION),
                    "a new entry too large: " + inserted.getStackTrace()[0]);
            map.put("old", new byte[] {1});
            IllegalArgumentException replaced = assertThrows(IllegalArgumentException.class, () -> map.put("old", huge));
            assertTrue(ChronicleErrors.thrownBy(replaced, ChronicleErrors.ENTRY_ALLOCATION),
                    "a value replaced by one too large: " + replaced.getStackTrace()[0]);
            for (RuntimeException raw : new RuntimeException[] {inserted, replaced}) {
                RuntimeException typed = ChronicleErrors.translate("large", map, HINT, raw);
                assertInstanceOf(StoreFullException.class, typed);
                assertTrue(typed.getMessage().contains("too large") && typed.getMessage().contains("averageValueSize"),
                        typed.getMessage());
            }
        }
    }

    @Test
    void aMapFileThatCannotGrowIsStoreFullNamingTheCause() throws IOException {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(100).averageKeySize(8).averageValueSize(8).createPersistedTo(dir.resolve("disk").toFile())) {
            // as VanillaChronicleHash.mapTierBulks wraps the IOException its fallocate throws
            IOException noSpace = new IOException("Not enough space to fallocate 8 MiB");
            noSpace.setStackTrace(new StackTraceElement[] {new StackTraceElement(
                    "net.openhft.chronicle.hash.impl.VanillaChronicleHash", "fallocate", "VanillaChronicleHash.java", 1100)});
            RuntimeException raw = new RuntimeException("map", noSpace);
            RuntimeException typed = ChronicleErrors.translate("disk", map, HINT, raw);
            DiskFullException full = assertInstanceOf(DiskFullException.class, typed);
            assertTrue(typed.getMessage().contains("Not enough space") && typed.getMessage().contains("free space"),
                    typed.getMessage());
            assertEquals(dir.resolve("disk").toAbsolutePath().getParent(), full.directory());
        }
    }

    @Test
    void anIoExceptionOfAnotherOriginIsNotAFullDisk() throws IOException {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(100).averageKeySize(8).averageValueSize(8).createPersistedTo(dir.resolve("codec").toFile())) {
            RuntimeException codec = new IllegalArgumentException("decode", new java.io.EOFException("a codec's"));
            assertSame(codec, ChronicleErrors.translate("codec", map, HINT, codec));
        }
    }

    @Test
    void otherFailuresPassThroughUnchanged() throws IOException {
        try (ChronicleMap<String, String> map = ChronicleMapBuilder.of(String.class, String.class)
                .entries(100).averageKeySize(8).averageValueSize(8).createPersistedTo(dir.resolve("other").toFile())) {
            RuntimeException mine = new IllegalStateException("extra segment tier"); // the old message test's text, elsewhere
            assertSame(mine, ChronicleErrors.translate("other", map, HINT, mine));
        }
    }
}
