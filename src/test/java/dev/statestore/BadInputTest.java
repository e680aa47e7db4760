package dev.statestore;

import dev.statestore.conformance.Item;
import dev.statestore.internal.cli.Main;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Invariant 6, bad input: a wrong type, a corrupt or foreign file, a full store, a bad name each
 * gives a typed error naming the store and the fix, at once, without a JVM crash or silent loss.
 * Also invariant 7's file modes.
 */
class BadInputTest {
    /** Opening a damaged store must fail this fast (Chronicle alone would wait a minute on a bad header). */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    private static final MapOptions SMALL = MapOptions.builder().entries(1000).build();

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- names

    @ParameterizedTest
    @ValueSource(strings = {"Sessions", "", "../x", "a/b", ".hidden", "-dash", "a b", "é",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */})
    void invalidStoreNameIsRefusedWithTheRule(String name) {
        try (StateStore store = StateStore.open(dir)) {
            InvalidStoreNameException e = assertThrows(InvalidStoreNameException.class,
                    () -> store.map(name, String.class, String.class));
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("[a-z0-9][a-z0-9._-]{0,63}"), e.getMessage());
            assertTrue(e.getMessage().contains("1 to 64 characters"), e.getMessage());
        }
    }

    @Test
    void longestValidStoreNameIsAccepted() {
        String name = "a".repeat(64);
        try (StateStore store = StateStore.open(dir)) {
            store.map(name, String.class, String.class, SMALL).put("k", "v");
        }
        assertTrue(Files.isDirectory(dir.resolve(name)));
    }

    @Test
    void nullStoreNameIsRefusedAsInvalid() {
        try (StateStore store = StateStore.open(dir)) {
            assertThrows(InvalidStoreNameException.class, () -> store.map(null, String.class, String.class));
        }
    }

    @Test
    void storeNameWithPathSegmentsCreatesNothingOutsideTheDataDirectory() throws IOException {
        Path data = dir.resolve("data");
        try (StateStore store = StateStore.open(data)) {
            assertThrows(InvalidStoreNameException.class, () -> store.map("../escaped", String.class, String.class));
            assertThrows(InvalidStoreNameException.class, () -> store.map("a/b", String.class, String.class));
        }
        assertFalse(Files.exists(dir.resolve("escaped")));
        assertFalse(Files.exists(data.resolve("a")));
    }

    // ---------------------------------------------------------------- damaged files

    /** Ways a store's map file gets damaged or replaced. */
    enum Damage {
        EMPTY {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, 0);
            }
        },
        CUT_IN_HALF {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, Files.size(file) / 2);
            }
        },
        CUT_TO_20_BYTES {
            @Override
            void apply(Path file) throws IOException {
                truncate(file, 20);
            }
        },
        RANDOM_BYTES {
            @Override
            void apply(Path file) throws IOException {
                byte[] noise = new byte[64 * 1024];
                new Random(42).nextBytes(noise);
                Files.write(file, noise, StandardOpenOption.TRUNCATE_EXISTING);
            }
        },
        TEXT_FILE {
            @Override
            void apply(Path file) throws IOException {
                Files.writeString(file, "user-42,hello\nuser-43,world\n".repeat(100), StandardOpenOption.TRUNCATE_EXISTING);
            }
        },
        ZIP_FILE {
            @Override
            void apply(Path file) throws IOException {
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING);
                     ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(new ZipEntry("map.dat"));
                    zip.write("not a chronicle map".repeat(200).getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
        };

        abstract void apply(Path file) throws IOException;

        private static void truncate(Path file, long size) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(size);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedMapFileIsReportedPromptlyAsCorruptNamingTheStoreAndTheFix(Damage damage) throws IOException {
        createSessions();
        damage.apply(dir.resolve("sessions").resolve("map.dat"));

        try (StateStore store = StateStore.open(dir)) {
            CorruptStoreException e = assertThrowsPromptly(CorruptStoreException.class,
                    () -> store.map("sessions", String.class, String.class));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains("map.dat"), e.getMessage());
            assertTrue(e.getMessage().contains("restore") || e.getMessage().contains("recover"), e.getMessage());

            // reported again on the next attempt, and the rest of the data directory still works
            assertThrowsPromptly(CorruptStoreException.class, () -> store.map("sessions", String.class, String.class));
            StoreMap<String, String> other = store.map("other", String.class, String.class, SMALL);
            other.put("k", "v");
            assertEquals("v", other.get("k"));
        }
    }

    @Test
    void missingMapFileOfAnExistingStoreIsReportedAsCorrupt() throws IOException {
        createSessions();
        Files.delete(dir.resolve("sessions").resolve("map.dat"));

        try (StateStore store = StateStore.open(dir)) {
            CorruptStoreException e = assertThrowsPromptly(CorruptStoreException.class,
                    () -> store.map("sessions", String.class, String.class));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "", "[1, 2, 3]", "{\"format\": 1}", "{\"format\": \"one\"}"})
    void unreadableMetadataIsReportedAsCorruptNamingTheStoreAndTheFix(String content) throws IOException {
        createSessions();
        Files.writeString(dir.resolve("sessions").resolve("store.json"), content);

        try (StateStore store = StateStore.open(dir)) {
            CorruptStoreException e = assertThrowsPromptly(CorruptStoreException.class,
                    () -> store.map("sessions", String.class, String.class));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains("store.json"), e.getMessage());
            assertTrue(e.getMessage().contains("restore the store from a backup"), e.getMessage());
        }
    }

    @Test
    void metadataOfAnUnknownFormatVersionIsRefusedAsIncompatible() throws IOException {
        createSessions();
        Path meta = dir.resolve("sessions").resolve("store.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(meta.toFile());
        tree.put("format", 99);
        json.writeValue(meta.toFile(), tree);

        try (StateStore store = StateStore.open(dir)) {
            IncompatibleFormatException e = assertThrowsPromptly(IncompatibleFormatException.class,
                    () -> store.map("sessions", String.class, String.class));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
            assertTrue(e.getMessage().contains("reads version " + dev.statestore.internal.files.StoreMetadata.FORMAT), e.getMessage());
            assertTrue(e.getMessage().contains("dump it there and load it here"), e.getMessage());
        }
    }

    @Test
    void storeDirectoryRenamedByHandIsReportedAsCorrupt() throws IOException {
        createSessions();
        Files.move(dir.resolve("sessions"), dir.resolve("renamed"));

        try (StateStore store = StateStore.open(dir)) {
            CorruptStoreException e = assertThrows(CorruptStoreException.class,
                    () -> store.map("renamed", String.class, String.class));
            assertTrue(e.getMessage().contains("Store 'renamed'"), e.getMessage());
            assertTrue(e.getMessage().contains("'sessions'"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- types

    @Test
    void reattachingWithOtherKeyTypeFailsNamingWhatTheStoreHoldsAndWhatWasAsked() {
        createSessions();
        try (StateStore store = StateStore.open(dir)) {
            TypeMismatchException e = assertThrows(TypeMismatchException.class,
                    () -> store.map("sessions", Long.class, String.class));
            assertEquals("Store 'sessions' holds java.lang.String (string) -> java.lang.String (string) but was asked"
                    + " for java.lang.Long (int64) -> java.lang.String (string): open it with the types it was created"
                    + " with, or use another store name", e.getMessage());
        }
    }

    @Test
    void reattachingWithOtherValueTypeFailsNamingWhatTheStoreHoldsAndWhatWasAsked() {
        createSessions();
        try (StateStore store = StateStore.open(dir)) {
            TypeMismatchException e = assertThrows(TypeMismatchException.class,
                    () -> store.map("sessions", String.class, byte[].class));
            assertTrue(e.getMessage().contains("Store 'sessions' holds java.lang.String (string) -> java.lang.String (string)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("asked for java.lang.String (string) -> [B (bytes)"), e.getMessage());
        }
    }

    /** Both are JSON: the codec ids agree, the record classes do not. */
    @Test
    void reattachingWithOtherRecordTypeFailsNamingBothClasses() {
        try (StateStore store = StateStore.open(dir)) {
            store.map("items", Integer.class, Item.class, SMALL).put(1, new Item("a", 1, List.of()));
        }
        try (StateStore store = StateStore.open(dir)) {
            TypeMismatchException e = assertThrows(TypeMismatchException.class,
                    () -> store.map("items", Integer.class, OtherRecord.class));
            assertTrue(e.getMessage().contains(Item.class.getName() + " (json)"), e.getMessage());
            assertTrue(e.getMessage().contains(OtherRecord.class.getName() + " (json)"), e.getMessage());
            assertEquals(new Item("a", 1, List.of()), store.map("items", Integer.class, Item.class).get(1));
        }
    }

    record OtherRecord(String name) {
    }

    @Test
    void openingAnOpenStoreWithOtherTypesInTheSameStateStoreFails() {
        try (StateStore store = StateStore.open(dir)) {
            store.map("sessions", String.class, String.class, SMALL);
            TypeMismatchException e = assertThrows(TypeMismatchException.class,
                    () -> store.map("sessions", String.class, Long.class));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains("java.lang.Long (int64)"), e.getMessage());
            assertTrue(e.getMessage().contains("use the same types"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- permissions

    @Test
    void dataDirectoryThatIsAFileIsReportedWithTheFix() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("data"), "I am a file");
        StateStoreException e = assertThrows(StateStoreException.class, () -> StateStore.open(notADirectory).close());
        assertTrue(e.getMessage().contains(notADirectory.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("choose another with --data / dataDir"), e.getMessage());
    }

    @Test
    void storeDirectoryThatIsAFileIsReportedNamingTheStore() throws IOException {
        Files.writeString(dir.resolve("sessions"), "I am a file");
        try (StateStore store = StateStore.open(dir)) {
            StateStoreException e = assertThrows(StateStoreException.class,
                    () -> store.map("sessions", String.class, String.class, SMALL));
            assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve("sessions").toString()), e.getMessage());
        }
        assertEquals("I am a file", Files.readString(dir.resolve("sessions")));
    }

    @Test
    void unreadableDataDirectoryIsReportedWithTheFix() throws IOException {
        Path data = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(data), "running as root: the permission bits are not enforced");
            StateStoreException e = assertThrows(StateStoreException.class, () -> StateStore.open(data).close());
            assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("chmod u+rwx"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void unreadableStoreDirectoryIsReportedNamingTheStore() throws IOException {
        createSessions();
        Path storeDir = dir.resolve("sessions");
        Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(storeDir), "running as root: the permission bits are not enforced");
            try (StateStore store = StateStore.open(dir)) {
                StateStoreException e = assertThrows(StateStoreException.class,
                        () -> store.map("sessions", String.class, String.class));
                assertTrue(e.getMessage().contains("Store 'sessions'"), e.getMessage());
                assertTrue(e.getMessage().contains("permissions"), e.getMessage());
            }
        } finally {
            Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void filesAreCreatedReadableByTheOwnerOnly() throws IOException {
        Path data = dir.resolve("data");
        try (StateStore store = StateStore.open(data)) {
            store.map("sessions", String.class, String.class, SMALL).put("k", "v");
        }
        Path storeDir = data.resolve("sessions");
        assertAll(
                () -> assertEquals("rwx------", mode(data)),
                () -> assertEquals("rwx------", mode(storeDir)),
                () -> assertEquals("rw-------", mode(storeDir.resolve("store.json"))),
                () -> assertEquals("rw-------", mode(storeDir.resolve("map.dat"))),
                () -> assertEquals("rw-------", mode(storeDir.resolve("procs.tbl"))));
    }

    @Test
    void filesAreCreatedGroupSharedWithGroupAccess() throws IOException {
        Path data = dir.resolve("data");
        try (StateStore store = StateStore.open(StoreConfig.builder(data).groupAccess(true).build())) {
            store.map("sessions", String.class, String.class, SMALL).put("k", "v");
        }
        Path storeDir = data.resolve("sessions");
        assertAll(
                () -> assertEquals("rwxrwx---", mode(data)),
                () -> assertEquals("rwxrwx---", mode(storeDir)),
                () -> assertEquals("rw-rw----", mode(storeDir.resolve("store.json"))),
                () -> assertEquals("rw-rw----", mode(storeDir.resolve("map.dat"))),
                () -> assertEquals("rw-rw----", mode(storeDir.resolve("procs.tbl"))));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    // ---------------------------------------------------------------- nulls

    @Test
    void nullKeysAndValuesAreRefusedWithNullPointerException() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("sessions", String.class, String.class, SMALL);
            m.put("k", "v");
            assertAll(
                    () -> assertThrows(NullPointerException.class, () -> m.put(null, "v")),
                    () -> assertThrows(NullPointerException.class, () -> m.put("k", null)),
                    () -> assertThrows(NullPointerException.class, () -> m.get(null)),
                    () -> assertThrows(NullPointerException.class, () -> m.containsKey(null)),
                    () -> assertThrows(NullPointerException.class, () -> m.containsValue(null)),
                    () -> assertThrows(NullPointerException.class, () -> m.remove(null)),
                    () -> assertThrows(NullPointerException.class, () -> m.remove("k", null)),
                    () -> assertThrows(NullPointerException.class, () -> m.putIfAbsent(null, "v")),
                    () -> assertThrows(NullPointerException.class, () -> m.putIfAbsent("new", null)),
                    () -> assertThrows(NullPointerException.class, () -> m.replace("k", null)),
                    () -> assertThrows(NullPointerException.class, () -> m.replace("k", "v", null)),
                    () -> assertThrows(NullPointerException.class, () -> m.compute(null, (k, v) -> "x")),
                    () -> assertThrows(NullPointerException.class, () -> m.merge("k", null, (a, b) -> a)),
                    () -> assertThrows(NullPointerException.class, () -> m.putAll(nullValueMap())));
            assertEquals(Map.of("k", "v"), Map.copyOf(m));
        }
    }

    private static Map<String, String> nullValueMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("other", null);
        return m;
    }

    // ---------------------------------------------------------------- capacity

    @Test
    void fullStoreRefusesPutsNamingTheStoreAndTheOptionAndKeepsEveryAcknowledgedEntry() {
        MapOptions tiny = MapOptions.builder().entries(100).maxGrowth(1.0).build();
        Map<String, String> acknowledged = new LinkedHashMap<>();
        StoreFullException full = null;
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("tiny", String.class, String.class, tiny);
            for (int i = 0; i < 100_000 && full == null; i++) {
                String key = "key-" + i;
                String value = "value-" + i;
                try {
                    m.put(key, value);
                    acknowledged.put(key, value);
                } catch (StoreFullException e) {
                    full = e;
                }
            }
            if (full == null) {
                fail("100,000 puts into a store sized for 100 entries with maxGrowth 1.0 never failed");
            }
            assertTrue(full.getMessage().contains("Store 'tiny'"), full.getMessage());
            assertTrue(full.getMessage().contains("entries=100"), full.getMessage());
            assertTrue(full.getMessage().contains("maxGrowth"), full.getMessage());
            assertTrue(full.getMessage().contains("Resize it with 'statestore compact tiny --entries N'"), full.getMessage());
            assertTrue(acknowledged.size() >= 100, "only " + acknowledged.size() + " entries fit");

            assertEquals(acknowledged.size(), m.size());
            assertEquals(acknowledged, Map.copyOf(m));

            // a removal frees room again
            String first = acknowledged.keySet().iterator().next();
            m.remove(first);
            m.put(first, "again");
            acknowledged.put(first, "again");
            VerifyReport report = store.admin().verify("tiny");
            assertTrue(report.clean(), "a refused put left the journal ahead of the map: " + report.summary());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(acknowledged, Map.copyOf(store.map("tiny", String.class, String.class)));
        }
        // the fix the message names works: compact resizes, and the puts that were refused fit
        assertEquals(0, Main.run("--data", dir.toString(), "compact", "tiny", "--entries", "10000"));
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("tiny", String.class, String.class);
            assertEquals(acknowledged, Map.copyOf(m), "compact kept every entry");
            for (int i = 0; i < 1_000; i++) {
                m.put("more-" + i, "value");
            }
            assertEquals(acknowledged.size() + 1_000, m.size());
        }
    }

    @Test
    void valueFarLargerThanTheAverageIsStoredOrRefusedAsFullAndTheStoreStaysUsable() {
        MapOptions small = MapOptions.builder().entries(100).averageValueSize(16).build();
        byte[] big = new byte[4 << 20];
        new Random(7).nextBytes(big);
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> m = store.map("blobs", String.class, byte[].class, small);
            m.put("small", new byte[] {1, 2, 3});
            try {
                m.put("big", big);
                assertArrayEquals(big, m.get("big"), "the big value reads back as written");
            } catch (StoreFullException e) {
                assertTrue(e.getMessage().contains("Store 'blobs'"), e.getMessage());
                assertTrue(e.getMessage().contains("averageValueSize"), e.getMessage());
                assertFalse(m.containsKey("big"));
            }
            assertArrayEquals(new byte[] {1, 2, 3}, m.get("small"));
            m.put("after", new byte[] {4});
            assertArrayEquals(new byte[] {4}, m.get("after"));
            try {
                m.put("small", big); // replacing with a value too large keeps the old one, in map and journal
            } catch (StoreFullException e) {
                assertArrayEquals(new byte[] {1, 2, 3}, m.get("small"));
            }
            StoreFullException huge = assertThrows(StoreFullException.class, () -> m.put("huge", new byte[16 << 20]));
            assertTrue(huge.getMessage().contains("Store 'blobs'"), huge.getMessage());
            assertFalse(m.containsKey("huge"));
            VerifyReport report = store.admin().verify("blobs");
            assertTrue(report.clean(), "a refused put left the journal ahead of the map: " + report.summary());
        }
    }

    // ---------------------------------------------------------------- helpers

    private void createSessions() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("sessions", String.class, String.class, SMALL);
            for (int i = 0; i < 100; i++) {
                m.put("user-" + i, "session " + i);
            }
        }
    }

    private static <T extends Throwable> T assertThrowsPromptly(Class<T> type, Executable executable) {
        Throwable thrown = assertTimeoutPreemptively(PROMPTLY, () -> {
            try {
                executable.execute();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        if (thrown == null) {
            fail("expected " + type.getSimpleName() + " but nothing was thrown");
        }
        if (!type.isInstance(thrown)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + thrown, thrown);
        }
        return type.cast(thrown);
    }
}
