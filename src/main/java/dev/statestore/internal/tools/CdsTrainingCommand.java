package dev.statestore.internal.tools;

import dev.statestore.StoreConfig;
import dev.statestore.internal.agent.Agent;
import dev.statestore.internal.cli.Commands;
import dev.statestore.internal.cli.Main;
import dev.statestore.internal.cli.ServeCommand;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.JvmFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of the launcher's AppCDS archive ({@code ops/statestore}; with it a {@code get}
 * starts in about half the time): one JVM that loads the classes the everyday commands load, so that the archive
 * written at its exit ({@code -XX:ArchiveClassesAtExit}) holds them. In a throwaway directory DIR
 * it writes a config file (YAML parsing is ~90 classes) and then runs, in this JVM, {@code put}
 * (creates a store: map, journal, first append), {@code get} (attaches an existing store),
 * {@code ls}, {@code dump}, {@code stats} and {@code tail}, and starts the agent as {@code serve}
 * does (logging configuration, housekeeping, HTTP endpoint on a free loopback port) and scrapes
 * its {@code /metrics} and {@code /health} once. The output is of no interest: the launcher
 * discards it. Exit code: that of the first command that failed, else 0 (a failure of the agent
 * part, such as its port taken meanwhile, is only reported on stderr).
 */
@Command(name = "cds-training", hidden = true,
        description = "Training run of the launcher's class-data archive: exercise the common commands in DIR.")
public final class CdsTrainingCommand extends Commands.Base {
    private static final String STORE = "cds-training";

    @Parameters(index = "0", paramLabel = "DIR", description = "A throwaway directory (config and data go there).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Path config = dir.resolve("config").resolve("statestore.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, configText(dir.resolve("data"), freeLoopbackPort()), StandardCharsets.UTF_8);
        String[] common = {"--config", config.toString()};
        List<String[]> commands = List.of(
                new String[] {"put", STORE, "key", "value"},
                new String[] {"put", STORE, "other", "value"},
                new String[] {"get", STORE, "key"},
                new String[] {"ls"},
                new String[] {"dump", STORE},
                new String[] {"stats", STORE},
                new String[] {"tail", STORE});
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of(common));
            args.addAll(List.of(command));
            int code = Main.run(args.toArray(String[]::new));
            if (code != Main.OK) {
                return code;
            }
        }
        try {
            serve(config);
        } catch (RuntimeException e) { // e.g. the port was taken meanwhile: the classes loaded so far still count
            System.err.println("statestore: cds-training: the agent part failed: " + e);
        }
        return Main.OK;
    }

    /** What {@code serve} does up to waiting for a signal, a scrape of each endpoint, then the close. */
    private static void serve(Path config) throws IOException {
        ServeCommand.configureLogging(config);
        StoreConfig storeConfig = StoreConfig.load(config, null);
        JvmFlags.prepare();
        try (DefaultStateStore store = DefaultStateStore.open(storeConfig);
             Agent agent = Agent.start(store, storeConfig)) {
            URI endpoint = agent.endpoint();
            if (endpoint != null) {
                fetch(URI.create(endpoint + "/metrics"));
                fetch(URI.create(endpoint + "/health"));
            }
        }
    }

    private static void fetch(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        } finally {
            c.disconnect();
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A config as an operator writes one: defaults, a configured store, the metrics endpoint. */
    private static String configText(Path data, int port) {
        return "dataDir: '" + data.toString().replace("'", "''") + "'\n"
                + "groupAccess: false\n"
                + "defaults:\n"
                + "  entries: 1000\n"
                + "  averageKeySize: 16\n"
                + "  averageValueSize: 32\n"
                + "  journal: true\n"
                + "  sync: async\n"
                + "  journalRoll: daily\n"
                + "stores:\n"
                + "  cds-served:\n"
                + "    keyType: string\n"
                + "    valueType: string\n"
                + "    entries: 1000\n"
                + "metrics:\n"
                + "  enabled: true\n"
                + "  host: 127.0.0.1\n"
                + "  port: " + port + "\n";
    }
}
