package dev.statestore.internal.cli;

import dev.statestore.VerifyReport;
import dev.statestore.internal.backup.BackupRefusedException;
import dev.statestore.internal.backup.Backups;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.FileModes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;

/** {@code backup} and {@code restore}: consistent hot copies of a store (see {@link Backups}). */
final class BackupCommands {
    private BackupCommands() {
    }

    @Command(name = "backup", description = "Copy STORE into DIR/STORE/ while processes keep using it: a consistent"
            + " point-in-time copy of its map, journal and subscription positions (writers pause for the copy)."
            + " DIR is created if needed; DIR/STORE must not exist.")
    static final class Backup extends Commands.Base {
        @Parameters(index = "0", paramLabel = "STORE")
        String storeName;

        @Parameters(index = "1", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                Backups.BackupResult r;
                try {
                    r = Backups.backup(store, storeName, dir, new FileModes(main.storeConfig().groupAccess()));
                } catch (BackupRefusedException e) {
                    throw new UsageException(e.getMessage());
                }
                out().println(String.format(Locale.ROOT, "backed up store '%s' to %s: %d files, %d bytes, journal"
                                + " up to sequence %d; writers paused %.1f ms", storeName, r.dir(), r.manifest().files().size(),
                        r.bytesWritten(), r.manifest().journalLastSequence(), r.manifest().pauseMicros() / 1000.0));
                out().flush();
                return Main.OK;
            }
        }
    }

    @Command(name = "restore", description = "Restore the backup in DIR (a DIR/STORE that backup wrote) as a new store,"
            + " then verify it against its journal: exit 0 when they agree, 3 when not. Refuses a store that exists.")
    static final class Restore extends Commands.Base {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Option(names = "--as", paramLabel = "NAME", description = "Restore under this name (default: the name it was backed up under).")
        String as;

        @Override
        public Integer call() {
            try (DefaultStateStore store = main.openStore()) {
                Backups.RestoreResult r;
                try {
                    r = Backups.restore(dir, store.dataDir(), as, new FileModes(main.storeConfig().groupAccess()));
                } catch (BackupRefusedException e) {
                    throw new UsageException(e.getMessage());
                }
                out().println("restored " + dir + " (store '" + r.manifest().store() + "', taken " + r.manifest().created()
                        + ") as store '" + r.name() + "' in " + r.storeDir());
                store.existing(r.name());
                if (store.journal(r.name()) == null) {
                    out().println("store '" + r.name() + "' has no journal: nothing to verify it against");
                    out().flush();
                    return Main.OK;
                }
                VerifyReport report = store.admin().verify(r.name());
                if (report.clean()) {
                    out().println(report.summary());
                    out().flush();
                    return Main.OK;
                }
                out().flush();
                spec.commandLine().getErr().println("statestore: restored store '" + r.name() + "' disagrees with its"
                        + " journal: " + report.summary());
                return Main.STORE_ERROR;
            }
        }
    }
}
