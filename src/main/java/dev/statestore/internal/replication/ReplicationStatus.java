package dev.statestore.internal.replication;

import dev.statestore.StoreConfig;
import dev.statestore.StoreNotFoundException;
import dev.statestore.StoreStats;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.map.DefaultStateStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What {@code statestore replication status [STORE]} reports, read from the data directory alone
 * (no Kafka connection): per store, whether it is replicated, what it has shipped (the position of
 * the guard subscription and the journal events after it) and, per partition of its topic, the
 * next offset to apply, the lag the agent last saw and the last error ({@code replication.json}).
 */
public final class ReplicationStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplicationStatus() {
    }

    /** The status of {@code storeName}, or of every store when it is null. */
    public static ArrayNode of(DefaultStateStore store, StoreConfig config, String storeName) {
        List<String> names = storeName != null ? List.of(storeName) : store.names();
        ArrayNode list = JSON.createArrayNode();
        StoreConfig.Replication replication = config.replication();
        for (String name : names) {
            StoreMetadata meta = store.metadata(name);
            if (meta == null) {
                throw new StoreNotFoundException("No store '" + name + "' in " + store.dataDir()
                        + ": 'statestore ls' lists the stores");
            }
            ObjectNode n = list.addObject();
            n.put("store", name);
            boolean replicated = replication != null && replication.replicates(name) && meta.journal();
            n.put("replicated", replicated);
            if (replication != null) {
                n.put("topic", replication.topicPrefix() + name);
            }
            if (meta.journal()) {
                StoreStats.JournalStats journal = store.admin().stats(name).journal();
                n.put("journalLastSequence", journal.lastSequence());
                journal.subscriptions().stream().filter(s -> s.name().equals(Shipper.GUARD)).findFirst().ifPresentOrElse(s -> {
                    n.put("shippedThrough", s.position());
                    n.put("unshippedEvents", s.lag());
                }, () -> n.putNull("shippedThrough"));
            }
            try {
                JsonNode state = ReplicationState.read(StoreFiles.storeDir(store.dataDir(), name));
                if (state != null) {
                    n.set("partitions", state.path("partitions"));
                    n.set("lastError", state.path("lastError"));
                    n.set("updated", state.path("updated"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return list;
    }

    /** One line per store, then one per partition. */
    public static String text(ArrayNode status, boolean replicationOn) {
        StringBuilder b = new StringBuilder();
        if (!replicationOn) {
            b.append("replication is off (the config has no replication: section); stored state, if any:\n");
        }
        for (JsonNode n : status) {
            b.append(String.format("%-24s %s", n.path("store").asText(), n.path("replicated").asBoolean() ? "replicated" : "local"));
            if (n.has("topic")) {
                b.append("  topic ").append(n.path("topic").asText());
            }
            b.append('\n');
            if (n.has("shippedThrough")) {
                b.append(String.format("  shipped through journal entry %s of %s (%s events not shipped yet)%n",
                        n.path("shippedThrough").isNull() ? "none" : n.path("shippedThrough").asText(),
                        n.path("journalLastSequence").asText(), n.path("unshippedEvents").asText("?")));
            }
            for (JsonNode p : n.path("partitions")) {
                b.append(String.format("  partition %-4d next offset %-12d lag %d%n", p.path("partition").asInt(),
                        p.path("next").asLong(), p.path("lag").asLong()));
            }
            if (n.hasNonNull("lastError")) {
                b.append("  last error: ").append(n.path("lastError").asText()).append('\n');
            }
            if (n.hasNonNull("updated")) {
                b.append("  applied state saved ").append(n.path("updated").asText()).append('\n');
            }
        }
        return b.toString();
    }
}
