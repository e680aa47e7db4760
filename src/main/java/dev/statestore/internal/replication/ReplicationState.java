package dev.statestore.internal.replication;

import dev.statestore.IncompatibleFormatException;
import dev.statestore.StateStoreException;
import dev.statestore.internal.platform.FileModes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the replication of one store has applied, kept durably beside the store's files in
 * {@code <data>/<store>/replication.json}, so that a restarted agent resumes from it instead of
 * from offset 0:
 * <pre>
 * {"format": 1, "store": "sessions", "createdByReplication": false, "snapshotThrough": -1,
 *  "partitions": [{"partition": 0, "next": 1234, "lag": 0,
 *                  "origins": {"host-a": [5312, 0], "host-b": [77, 0]}}],
 *  "lastError": null, "updated": "2026-12-05T01:30:00Z"}
 * </pre>
 * {@code next} is the offset of the store's topic partition to apply next; {@code origins} the
 * newest (origin sequence, index in its journal entry) applied from each origin host in that
 * partition, which drops a change shipped twice (at least once from the journal).
 * {@code createdByReplication}: the applier created the store (it has no local history to ship);
 * {@code snapshotThrough}: the journal sequence at which the store's entries were shipped whole
 * when replication was turned on (shipping resumes after it). {@code lag} and
 * {@code lastError} are for {@code statestore replication status}. Written whole to a temporary
 * file, forced, and renamed over the old one (0600, or 0660 with {@code groupAccess}); a
 * {@code format} newer than this build's is refused.
 *
 * <p>Thread-safe: the applier, the periodic saver and the agent's status use it.
 */
final class ReplicationState {
    static final String FILE_NAME = "replication.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String store;
    private final Path file;
    private final FileModes modes;
    private final Map<Integer, Partition> partitions = new TreeMap<>();
    private final Object saveLock = new Object();
    private boolean createdByReplication;
    private long snapshotThrough = -1;
    private String lastError;
    private boolean dirty;

    /** One partition of the store's topic: the next offset to apply and the newest change applied per origin. */
    static final class Partition {
        long next;
        long lag;
        final Map<String, long[]> origins = new TreeMap<>();
    }

    private ReplicationState(String store, Path storeDir, FileModes modes) {
        this.store = store;
        this.file = storeDir.resolve(FILE_NAME);
        this.modes = modes;
    }

    /** The state of {@code store} from its file; empty when there is none yet. */
    static ReplicationState load(String store, Path storeDir, FileModes modes) {
        ReplicationState s = new ReplicationState(store, storeDir, modes);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(s.file));
        } catch (NoSuchFileException e) {
            return s;
        } catch (IOException e) {
            throw new StateStoreException("Store '" + store + "': cannot read " + s.file + " (" + e + "): move it aside;"
                    + " replication then applies the store's topics from their start again", e);
        }
        int format = root.path("format").asInt(-1);
        if (format > FORMAT || format < 1) {
            throw new IncompatibleFormatException("Store '" + store + "': " + s.file + " has format " + format + ", this"
                    + " statestore reads format " + FORMAT + ": run the statestore that wrote it, or move the file aside"
                    + " (replication then applies the store's topics from their start again)");
        }
        s.createdByReplication = root.path("createdByReplication").asBoolean(false);
        s.snapshotThrough = root.path("snapshotThrough").asLong(-1);
        for (JsonNode p : root.path("partitions")) {
            Partition part = new Partition();
            part.next = p.path("next").asLong(0);
            part.lag = p.path("lag").asLong(0);
            p.path("origins").properties().forEach(o ->
                    part.origins.put(o.getKey(), new long[] {o.getValue().path(0).asLong(), o.getValue().path(1).asLong()}));
            s.partitions.put(p.path("partition").asInt(), part);
        }
        JsonNode error = root.get("lastError");
        s.lastError = error == null || error.isNull() ? null : error.asText();
        return s;
    }

    String store() {
        return store;
    }

    /** The offset to apply next in {@code partition}, or -1 when none was applied yet. */
    synchronized long next(int partition) {
        Partition p = partitions.get(partition);
        return p == null ? -1 : p.next;
    }

    /**
     * Whether the origin's change (sequence, index) is newer than the newest one applied from that
     * origin in {@code partition}; false for a change shipped twice.
     */
    synchronized boolean isNew(int partition, String origin, long sequence, long index) {
        Partition p = partitions.get(partition);
        long[] newest = p == null ? null : p.origins.get(origin);
        return newest == null || sequence > newest[0] || (sequence == newest[0] && index > newest[1]);
    }

    /** Records the change at {@code offset} of {@code partition} as applied. */
    synchronized void applied(int partition, long offset, String origin, long sequence, long index) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        p.next = offset + 1;
        p.origins.put(origin, new long[] {sequence, index});
        dirty = true;
    }

    /** Records that the record at {@code offset} was read and not applied (a duplicate, or not a statestore change). */
    synchronized void skipped(int partition, long offset) {
        partitions.computeIfAbsent(partition, k -> new Partition()).next = offset + 1;
        dirty = true;
    }

    synchronized void lag(int partition, long lag) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        if (p.lag != lag) {
            p.lag = lag;
            dirty = true;
        }
    }

    /** Records of the store's topic not applied yet, over its partitions. */
    synchronized long totalLag() {
        return partitions.values().stream().mapToLong(p -> p.lag).sum();
    }

    synchronized boolean createdByReplication() {
        return createdByReplication;
    }

    synchronized void createdByReplication(boolean value) {
        createdByReplication = value;
        dirty = true;
    }

    /** The journal sequence through which the store's entries were shipped as a snapshot; -1: none. */
    synchronized long snapshotThrough() {
        return snapshotThrough;
    }

    synchronized void snapshotThrough(long sequence) {
        snapshotThrough = sequence;
        dirty = true;
    }

    synchronized void lastError(String error) {
        if (!java.util.Objects.equals(error, lastError)) {
            lastError = error;
            dirty = true;
        }
    }

    synchronized String lastError() {
        return lastError;
    }

    /** The state as the file holds it (also what {@code replication status} prints). */
    synchronized ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("store", store);
        root.put("createdByReplication", createdByReplication);
        root.put("snapshotThrough", snapshotThrough);
        ArrayNode parts = root.putArray("partitions");
        for (Map.Entry<Integer, Partition> e : partitions.entrySet()) {
            ObjectNode p = parts.addObject();
            p.put("partition", e.getKey());
            p.put("next", e.getValue().next);
            p.put("lag", e.getValue().lag);
            ObjectNode origins = p.putObject("origins");
            e.getValue().origins.forEach((host, seq) -> origins.putArray(host).add(seq[0]).add(seq[1]));
        }
        root.put("lastError", lastError);
        root.put("updated", Instant.now().toString());
        return root;
    }

    /**
     * Writes the state if it changed since the last save: temporary file, force, atomic rename. The
     * state is copied under its monitor and written outside it, so the applier recording changes
     * never waits for the disk (a force took up to 0.7 s on a loaded machine here); {@link #saveLock}
     * keeps two savers (the periodic one and the applier's last) from writing the file at once.
     */
    void saveIfChanged() {
        synchronized (saveLock) {
            byte[] bytes;
            synchronized (this) {
                if (!dirty) {
                    return;
                }
                dirty = false;
                try {
                    bytes = JSON.writeValueAsBytes(toJson());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                write(bytes);
            } catch (IOException e) {
                synchronized (this) {
                    dirty = true;
                }
                throw new StateStoreException("Store '" + store + "': cannot write " + file + " (" + e + "): check the"
                        + " free space and permissions of the data directory", e);
            }
        }
    }

    private void write(byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        Files.write(tmp, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The file of store {@code storeDir}, as JSON, for the status command; null when there is none. */
    static JsonNode read(Path storeDir) throws IOException {
        Path f = storeDir.resolve(FILE_NAME);
        return Files.exists(f) ? JSON.readTree(Files.readAllBytes(f)) : null;
    }
}
