package dev.statestore.internal.cli;

import dev.statestore.CorruptStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.VerifyReport;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.backup.BackupManifest;
import dev.statestore.internal.backup.BackupRefusedException;
import dev.statestore.internal.backup.Backups;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code backup} and {@code restore}: a consistent copy taken while another JVM writes, and what they refuse. */
class BackupRestoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final FileModes MODES = new FileModes(false);

    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data");
    }

    private DefaultStateStore open() {
        return DefaultStateStore.open(StoreConfig.builder(data()).build());
    }

    /**
     * The writer puts key-0, key-1, ... one after the other, so at any instant the map holds a
     * prefix of them: a copy taken at one instant holds key-0 .. key-(n-1) and nothing else, each
     * with the value written, and agrees with its own journal.
     */
    @Test
    void backupTakenWhileAnotherJvmWritesRestoresToAPointInTimeCopyThatVerifies() {
        try (ChildJvm writer = ChildJvm.cli(data(), "workload", "write", "orders", "--count", "5000000")) {
            int acked = 0;
            while (acked < 2000) {
                String line = writer.readLine(TIMEOUT);
                assertTrue(line != null && line.startsWith("ack "), "writer: " + line + "; stderr: " + writer.stderr());
                acked++;
            }
            try (DefaultStateStore store = open()) {
                Backups.BackupResult backup = Backups.backup(store, "orders", dir.resolve("backups"), MODES);
                String after = writer.readLine(TIMEOUT);
                assertTrue(after != null && after.startsWith("ack "), "the writer kept writing through the backup: " + after);
                writer.kill();

                Backups.RestoreResult restored = Backups.restore(backup.dir(), store.dataDir(), "orders-copy", MODES);
                assertEquals("orders-copy", restored.name());
                VerifyReport report = store.admin().verify("orders-copy");
                assertTrue(report.clean(), report.summary());

                StoreMap<Object, Object> copy = store.existing("orders-copy");
                long n = copy.longSize();
                assertTrue(n >= acked, "every put acknowledged before the backup began is in it: " + n + " < " + acked);
                for (long i = 0; i < n; i++) {
                    assertEquals("v" + i + "@" + writer.pid(), copy.get("key-" + i), "key-" + i);
                }
                assertNull(copy.get("key-" + n), "nothing written after the instant of the copy");
                assertEquals(n, report.journalEvents(), "the copied journal ends at the same instant");
                assertEquals(backup.manifest().journalLastSequence(), store.journal("orders-copy").lastSequence());
                assertTrue(backup.manifest().pauseMicros() > 0);
            }
        }
    }

    private Path backupOfASmallStore() {
        try (DefaultStateStore store = open()) {
            StoreMap<String, Long> counts = store.map("counts", String.class, Long.class);
            counts.put("a", 1L);
            counts.put("b", 2L);
            return Backups.backup(store, "counts", dir.resolve("backups"), MODES).dir();
        }
    }

    @Test
    void backupHoldsNoProcessOrLockTableAndOnlyItsOwnerCanReadIt() throws IOException {
        Path backup = backupOfASmallStore();
        assertEquals(dir.resolve("backups").resolve("counts"), backup);
        List<String> files;
        try (Stream<Path> walk = Files.walk(backup)) {
            files = walk.filter(Files::isRegularFile).map(p -> backup.relativize(p).toString()).sorted().toList();
        }
        assertTrue(files.containsAll(List.of("backup.json", "map.dat", "store.json")), files.toString());
        assertTrue(files.stream().anyMatch(f -> f.startsWith("journal/") && f.endsWith(".cq4")), files.toString());
        assertFalse(files.contains("procs.tbl") || files.contains("stripes.tbl") || files.contains(".lock"), files.toString());
        for (String f : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve(f))), f);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertEquals("counts", BackupManifest.read(backup).store());
    }

    @Test
    void restoreUnderTheOriginalNameRefusesAStoreThatExists() {
        Path backup = backupOfASmallStore();
        BackupRefusedException e = assertThrows(BackupRefusedException.class,
                () -> Backups.restore(backup, data(), null, MODES));
        assertTrue(e.getMessage().contains("Store 'counts' already exists") && e.getMessage().contains("--as NAME"),
                e.getMessage());
        assertEquals(Main.USAGE, Main.run("--data", data().toString(), "restore", backup.toString()));
    }

    @Test
    void restoreRefusesADirectoryThatIsNotABackupNamingTheBackupsInsideIt() {
        Path backup = backupOfASmallStore();
        BackupRefusedException parent = assertThrows(BackupRefusedException.class,
                () -> Backups.restore(backup.getParent(), data(), "x", MODES));
        assertTrue(parent.getMessage().contains("is not a statestore backup")
                && parent.getMessage().contains("it holds the backups of counts"), parent.getMessage());
        BackupRefusedException storeDir = assertThrows(BackupRefusedException.class,
                () -> Backups.restore(data().resolve("counts"), data(), "y", MODES));
        assertTrue(storeDir.getMessage().contains("is not a statestore backup (it has no backup.json)"), storeDir.getMessage());
        assertEquals(Main.USAGE, Main.run("--data", data().toString(), "restore", dir.toString(), "--as", "z"));
        assertFalse(Files.exists(data().resolve("x")) || Files.exists(data().resolve("y")) || Files.exists(data().resolve("z")));
    }

    @Test
    void restoreRefusesABackupWithADamagedFileAndLeavesNothingBehind() throws IOException {
        Path backup = backupOfASmallStore();
        try (FileChannel ch = FileChannel.open(backup.resolve("map.dat"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), 4096);
        }
        CorruptStoreException e = assertThrows(CorruptStoreException.class,
                () -> Backups.restore(backup, data(), "counts-copy", MODES));
        assertTrue(e.getMessage().contains("is damaged: map.dat does not match its length and checksum"), e.getMessage());
        assertFalse(Files.exists(data().resolve("counts-copy")));
        try (Stream<Path> left = Files.list(data())) {
            assertEquals(List.of("counts"), left.map(p -> p.getFileName().toString()).toList(), "no staging directory left");
        }
    }

    @Test
    void backupRefusesATargetThatExists() {
        Path backup = backupOfASmallStore();
        try (DefaultStateStore store = open()) {
            BackupRefusedException e = assertThrows(BackupRefusedException.class,
                    () -> Backups.backup(store, "counts", backup.getParent(), MODES));
            assertTrue(e.getMessage().contains(backup + " already exists"), e.getMessage());
        }
    }

    @Test
    void backupOfAStoreWithACheckpointRestoresWithItAndVerifies() throws IOException {
        try (DefaultStateStore store = open()) {
            StoreMap<String, String> orders = store.map("orders", String.class, String.class);
            orders.put("before", "1");
            store.admin().checkpoint("orders");
            orders.put("after", "2");
            Path backup = Backups.backup(store, "orders", dir.resolve("backups"), MODES).dir();
            try (Stream<Path> checkpoints = Files.list(backup.resolve("checkpoints"))) {
                assertEquals(1, checkpoints.count(), "the checkpoint is part of the backup");
            }
            Backups.restore(backup, store.dataDir(), "orders-copy", MODES);
            VerifyReport report = store.admin().verify("orders-copy");
            assertTrue(report.clean(), report.summary());
            assertEquals("1", store.existing("orders-copy").get("before"));
            assertEquals("2", store.existing("orders-copy").get("after"));
        }
    }
}
