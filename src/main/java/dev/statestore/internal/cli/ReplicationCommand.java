package dev.statestore.internal.cli;

import dev.statestore.StoreConfig;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.replication.ReplicationStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code statestore replication status [STORE]}: see {@link ReplicationStatus}. */
@Command(name = "replication", description = "Replication between hosts through Apache Kafka (the agent does it).",
        subcommands = {ReplicationCommand.Status.class})
final class ReplicationCommand implements Runnable {
    @ParentCommand
    Main main;

    @Override
    public void run() {
        throw new UsageException("replication: say which, e.g. 'statestore replication status [STORE]'");
    }

    @Command(name = "status", description = "Per store: replicated or local, the journal entry shipped through and the"
            + " events not shipped yet, and per partition of its topic the next offset to apply, the lag and the last error.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "STORE")
        String storeName;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws JsonProcessingException {
            StoreConfig config = parent.main.storeConfig();
            PrintWriter out = spec.commandLine().getOut();
            try (DefaultStateStore store = parent.main.openStore()) {
                ArrayNode status = ReplicationStatus.of(store, config, storeName);
                if (json) {
                    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status));
                } else {
                    out.print(ReplicationStatus.text(status, config.replication() != null));
                }
                out.flush();
                return Main.OK;
            }
        }
    }
}
