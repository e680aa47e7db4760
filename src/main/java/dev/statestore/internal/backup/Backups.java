package dev.statestore.internal.backup;

import dev.statestore.CorruptStoreException;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.platform.ProcessIdentity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hot backup and restore of one store, as {@code statestore backup} and {@code restore} run them.
 *
 * <h2>Why the copy is consistent while writers run</h2>
 * Every Chronicle Map operation on a segment, and every journal append, happens while the writer
 * holds that segment's lock stripe (see {@code StripeTable}). {@link DefaultStateStore#whileFrozen}
 * takes every stripe of the store, in ascending order as multi-key changes do (so no deadlock),
 * plus the store's creation lock: while it holds them no process can change the map file or
 * append to the journal, and no process attaches. A stripe a dead process held is taken over, and
 * its half-done change finished from the journal, before the copy starts. The files are copied
 * then, straight from the page cache every process shares, so the copy holds exactly the changes
 * acknowledged before the freeze, map and journal agreeing. Writers in every process wait for the
 * length of the copy (the "pause", recorded in the manifest); reads wait too, as they also take
 * the stripes. To keep the pause short, the freeze only copies the files' non-zero blocks into
 * memory ({@link StagedCopy}); writing them out, forcing them to disk and checksumming them
 * happen after it.
 *
 * <h2>What is copied</h2>
 * Everything in the store's directory but what belongs to the processes attached now: the
 * process table ({@code procs.tbl}), the lock table ({@code stripes.tbl}), the key versions of
 * near caches ({@code versions.tbl}), the {@code *.lock} files, temporary files and set-aside
 * orphans. That is {@code store.json}, {@code map.dat} (the
 * Chronicle Map file is self-contained: its header holds the sizing and layout, and no segment
 * lock is held in the copy since only stripe owners take them), the journal's Chronicle Queue
 * files (cycle files and {@code metadata.cq4t}, whose write lock is free in the copy since no
 * append runs), and the named subscriptions' positions (which are never past the copied journal's
 * end: a subscriber only delivers what was appended), and checkpoints if any. Checkpoint files
 * and journal retention are not frozen by the stripes: the journal is copied first and the
 * checkpoints last, and a file deleted meanwhile (a superseded checkpoint, a cycle retention
 * removed) is left out. A restore starts with fresh process and lock tables, as a store does
 * after a reboot.
 *
 * <h2>Layout</h2>
 * {@code backup STORE DIR} writes {@code DIR/STORE/}: the copied files plus {@link BackupManifest}
 * ({@code backup.json}, written last). It is built in {@code DIR/.STORE.partial-PID} and renamed
 * into place when complete, so a backup that was interrupted never looks like one.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    /** Files a backup cannot do without; any other may go away while copied (superseded checkpoints, retained-away cycles). */
    private static final java.util.Set<String> REQUIRED = java.util.Set.of(StoreMetadata.FILE_NAME, "map.dat");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Backups() {
    }

    /**
     * A backup taken.
     *
     * @param dir the backup's directory, {@code DIR/STORE}
     * @param bytesWritten bytes written (holes of sparse files excluded)
     */
    public record BackupResult(Path dir, BackupManifest manifest, long bytesWritten) {
    }

    /** A store restored, not yet opened. */
    public record RestoreResult(String name, Path storeDir, BackupManifest manifest) {
    }

    /**
     * Takes a consistent copy of store {@code name} into {@code parent/name} while other processes
     * keep using it.
     *
     * @throws dev.statestore.StoreNotFoundException when there is no such store
     * @throws BackupRefusedException when {@code parent/name} exists
     */
    public static BackupResult backup(DefaultStateStore store, String name, Path parent, FileModes modes) {
        StoreConfig.checkStoreName(name);
        store.existing(name); // attaches it, or fails naming the store
        Journal journal = store.journal(name);
        Path storeDir = StoreFiles.storeDir(store.dataDir(), name);
        Path target = parent.resolve(name);
        if (Files.exists(target)) {
            throw new BackupRefusedException("The backup directory " + target + " already exists: give another DIR"
                    + " (e.g. one per date), or delete it first");
        }
        Path partial = parent.resolve("." + name + ".partial-" + ProcessIdentity.pid());
        try {
            modes.createDirectories(parent);
            deleteTree(partial);
            modes.createDirectories(partial);
        } catch (IOException e) {
            throw new StateStoreException("Cannot create the backup directory " + partial + " (" + e
                    + "): check that DIR is writable and has free space", e);
        }
        try {
            long[] lastSequence = {-1};
            long[] written = {0};
            long[] pauseNanos = {0};
            List<String> copied = new ArrayList<>();
            try (StagedCopy copy = new StagedCopy(apparentSize(storeDir))) {
                store.whileFrozen(name, () -> {
                    long frozen = System.nanoTime();
                    lastSequence[0] = journal == null ? -1 : journal.lastSequence();
                    try {
                        for (String relative : filesToCopy(storeDir)) {
                            Path to = partial.resolve(relative);
                            modes.createDirectories(to.getParent());
                            try {
                                written[0] += copy.take(storeDir.resolve(relative), to, modes);
                                copied.add(relative);
                            } catch (NoSuchFileException gone) {
                                if (REQUIRED.contains(relative)) {
                                    throw gone;
                                }
                                // an old checkpoint or journal cycle deleted since the listing: it was superseded
                                Files.deleteIfExists(to);
                                LOG.debug("store '{}': {} went away during the backup; not copied", name, relative);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        pauseNanos[0] = System.nanoTime() - frozen;
                    }
                    return null;
                });
                copy.writeOut();
            }
            long pauseMicros = TimeUnit.NANOSECONDS.toMicros(pauseNanos[0]);
            List<BackupManifest.FileEntry> files = new ArrayList<>();
            for (String relative : copied) {
                Path file = partial.resolve(relative);
                SparseCopy.force(file);
                files.add(new BackupManifest.FileEntry(relative, Files.size(file), SparseCopy.sha256(file)));
            }
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, BackupManifest.KIND, name,
                    Instant.now().toString(), lastSequence[0], pauseMicros, List.copyOf(files));
            forceDirectories(partial);
            manifest.write(partial, modes);
            SparseCopy.forceDirectory(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            SparseCopy.forceDirectory(parent);
            LOG.info("store '{}' backed up to {}: {} files, {} bytes written, writers paused {} ms", name, target,
                    files.size(), written[0], pauseMicros / 1000.0);
            return new BackupResult(target, manifest, written[0]);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(partial, e);
            throw new StateStoreException("Backup of store '" + name + "' into " + target + " failed (" + e
                    + "): check the free space and permissions of " + parent, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial, e);
            throw e;
        }
    }

    /**
     * The files of a store directory a backup holds, relative, '/'-separated: the journal before
     * the checkpoints, so that a checkpoint written meanwhile (checkpoints are not frozen) is the
     * newer one, covering any journal cycle that retention deletes meanwhile.
     */
    static List<String> filesToCopy(Path storeDir) throws IOException {
        try (Stream<Path> walk = Files.walk(storeDir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> storeDir.relativize(p).toString().replace('\\', '/'))
                    .filter(Backups::belongsInBackup)
                    .sorted(Comparator.comparing((String f) -> f.startsWith("checkpoints/")).thenComparing(f -> f))
                    .toList();
        }
    }

    /** The apparent size of the files a backup of {@code storeDir} copies: what staging them may take. */
    private static long apparentSize(Path storeDir) throws IOException {
        long total = 0;
        for (String relative : filesToCopy(storeDir)) {
            try {
                total += Files.size(storeDir.resolve(relative));
            } catch (NoSuchFileException gone) {
                // deleted meanwhile: not copied either
            }
        }
        return total;
    }

    /** Not copied: what describes the processes attached now (process and lock tables, lock files), temporary files. */
    private static boolean belongsInBackup(String relative) {
        String file = relative.substring(relative.lastIndexOf('/') + 1);
        return !relative.equals("procs.tbl") && !relative.equals("stripes.tbl") && !relative.equals("versions.tbl")
                && !file.endsWith(".lock")
                && !file.endsWith(".tmp") && !file.contains(".orphan-") && !file.contains(".partial-");
    }

    /**
     * Restores the backup in {@code backupDir} as store {@code asName} (the name it was backed up
     * under when null) of the data directory {@code dataDir}. The files are checked against the
     * manifest first, copied into {@code dataDir/.NAME.restoring-PID} and renamed into place.
     *
     * @throws BackupRefusedException when the store exists, or {@code backupDir} is not a backup
     * @throws CorruptStoreException when a file of the backup is missing or does not match its checksum
     */
    public static RestoreResult restore(Path backupDir, Path dataDir, String asName, FileModes modes) {
        BackupManifest manifest = BackupManifest.read(backupDir);
        String name = StoreConfig.checkStoreName(asName != null ? asName : manifest.store());
        Path target = StoreFiles.storeDir(dataDir, name);
        if (Files.exists(target)) {
            throw new BackupRefusedException("Store '" + name + "' already exists in " + dataDir + ": restore under"
                    + " another name with --as NAME, or move " + target + " aside first (after stopping the processes"
                    + " attached to it; `statestore ls` lists them)");
        }
        try {
            checkFiles(backupDir, manifest);
            Path staging = dataDir.resolve("." + name + ".restoring-" + ProcessIdentity.pid());
            deleteTree(staging);
            modes.createDirectories(staging);
            try {
                for (BackupManifest.FileEntry f : manifest.files()) {
                    Path to = staging.resolve(f.path());
                    modes.createDirectories(to.getParent());
                    SparseCopy.copy(backupDir.resolve(f.path()), to, modes);
                }
                if (!name.equals(manifest.store())) {
                    rename(staging, manifest.store(), name, modes);
                }
                for (BackupManifest.FileEntry f : manifest.files()) {
                    SparseCopy.force(staging.resolve(f.path()));
                }
                forceDirectories(staging);
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    throw new BackupRefusedException("Store '" + name + "' was created in " + dataDir
                            + " while the backup was being restored: restore with --as NAME", e);
                }
                SparseCopy.forceDirectory(dataDir);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(staging, e);
                throw e;
            }
        } catch (IOException e) {
            throw new StateStoreException("Restoring " + backupDir + " as store '" + name + "' into " + dataDir
                    + " failed (" + e + "): check the free space and permissions of the data directory", e);
        }
        LOG.info("restored {} (store '{}', taken {}) as store '{}' in {}", backupDir, manifest.store(),
                manifest.created(), name, target);
        return new RestoreResult(name, target, manifest);
    }

    /** Every file the manifest lists is there, with its length and checksum. */
    private static void checkFiles(Path backupDir, BackupManifest manifest) throws IOException {
        if (manifest.files().stream().noneMatch(f -> f.path().equals(StoreMetadata.FILE_NAME))) {
            throw new CorruptStoreException("Backup " + backupDir + " lists no " + StoreMetadata.FILE_NAME
                    + ": the manifest is damaged; use another backup");
        }
        for (BackupManifest.FileEntry f : manifest.files()) {
            Path file = backupDir.resolve(f.path());
            if (!Files.isRegularFile(file) || Files.size(file) != f.bytes() || !SparseCopy.sha256(file).equals(f.sha256())) {
                throw new CorruptStoreException("Backup " + backupDir + " is damaged: " + f.path()
                        + (Files.isRegularFile(file) ? " does not match its length and checksum in " : " is missing, listed in ")
                        + BackupManifest.FILE_NAME + "; use another backup");
            }
        }
    }

    /**
     * Rewrites the restored store's metadata under its new name: only the {@code name} field
     * changes (the map and the journal do not record the name). The file is edited as JSON, so every
     * other field is kept as written, whatever the format version.
     */
    private static void rename(Path storeDir, String from, String to, FileModes modes) throws IOException {
        StoreMetadata.read(storeDir, from); // checks the format and that it is the store backed up
        Path file = storeDir.resolve(StoreMetadata.FILE_NAME);
        ObjectNode tree = (ObjectNode) JSON.readTree(file.toFile());
        tree.put("name", to);
        Path tmp = storeDir.resolve(StoreMetadata.FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        Files.write(tmp, JSON.writeValueAsBytes(tree), StandardOpenOption.TRUNCATE_EXISTING);
        SparseCopy.force(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        StoreMetadata.read(storeDir, to);
    }

    private static void forceDirectories(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isDirectory).forEach(SparseCopy::forceDirectory);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path root, Exception failure) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
