package dev.statestore.internal.cli;

import dev.statestore.ConfigException;
import dev.statestore.InvalidStoreNameException;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.StoreNotFoundException;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.JvmFlags;
import dev.statestore.internal.tools.BenchCommand;
import dev.statestore.internal.tools.CdsTrainingCommand;
import dev.statestore.internal.tools.WorkloadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code statestore}: the command line. A thin picocli layer over plain operations.
 * Exit codes: 0 success, 1 not found, 2 usage (bad arguments or config), 3 store error; errors go to
 * stderr, one line first.
 */
@Command(name = "statestore", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Restart-surviving, shared-memory state store: inspect and change stores.",
        subcommands = {Commands.Ls.class, Commands.Put.class, Commands.Get.class, Commands.Rm.class,
                Commands.Dump.class, Commands.Load.class, JournalCommands.Tail.class,
                JournalCommands.Verify.class, JournalCommands.Recover.class, JournalCommands.CheckpointCmd.class,
                JournalCommands.Rebuild.class, JournalCommands.Compact.class, WorkloadCommand.class, BenchCommand.class,
                CdsTrainingCommand.class, CommandLine.HelpCommand.class,
                ServeCommand.class, StatsCommand.class, ReplicationCommand.class, BackupCommands.Backup.class,
                BackupCommands.Restore.class})
public final class Main {
    public static final int OK = 0;
    public static final int NOT_FOUND = 1;
    public static final int USAGE = 2;
    public static final int STORE_ERROR = 3;

    static final Path DEFAULT_CONFIG = Path.of("config", "statestore.yaml");

    @Option(names = "--data", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data directory (default: the config's dataDir, else ./data).")
    Path data;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Config file (default: config/statestore.yaml when it exists).")
    public Path config;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            CliLogging.enable(); // warnings and errors to stderr, configured in code (no XML to parse)
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        Integer fast = FastPath.run(args); // get, put, rm without picocli's start-up
        return fast != null ? fast : picocli(args);
    }

    /** Runs the command line through picocli: every command, help, usage errors. */
    static int picocli(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine.getErr()));
        return cli.execute(args);
    }

    static int handle(Exception e, PrintWriter err) {
        int code;
        if (e instanceof UsageException || e instanceof InvalidStoreNameException || e instanceof ConfigException) {
            code = USAGE;
        } else if (e instanceof StoreNotFoundException) {
            code = NOT_FOUND;
        } else {
            code = STORE_ERROR;
        }
        String message = e instanceof StateStoreException || e instanceof UsageException
                ? e.getMessage() : e.toString();
        err.println("statestore: " + message);
        if (code == STORE_ERROR && !(e instanceof StateStoreException)) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** Opens the data directory named by --data / --config. */
    public DefaultStateStore openStore() {
        JvmFlags.prepare();
        return DefaultStateStore.open(storeConfig());
    }

    public StoreConfig storeConfig() {
        if (config != null) {
            return StoreConfig.load(config, data);
        }
        if (Files.exists(DEFAULT_CONFIG)) {
            return StoreConfig.load(DEFAULT_CONFIG, data);
        }
        return StoreConfig.builder(data != null ? data : Path.of("data")).build();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"statestore " + (v != null ? v : "(development build)")};
        }
    }
}
