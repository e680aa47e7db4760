package dev.statestore.internal.files;

import dev.statestore.CorruptStoreException;
import dev.statestore.IncompatibleFormatException;
import dev.statestore.internal.platform.FileModes;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What a store is, written once by its creator next to the map file as {@code store.json}:
 * the key and value codecs and types, the sizing it was created with, when and by whom. Writing
 * it (to a temporary file, fsync, atomic rename) is the commit point of a store's creation.
 *
 * @param format file format version of the store directory; see {@link #FORMAT}
 * @param journal whether the store keeps a change journal
 * @param sync the journal's durability mode, a {@link dev.statestore.Durability} name
 * @param journalRoll the journal's roll cycle, a {@link dev.statestore.JournalRoll} name
 * @param retainSeconds journal cycles older than this may be deleted once checkpointed and read; 0: kept
 * @param retainBytes the journal is trimmed to this size under the same conditions; 0: no limit
 * @param created creation time, ISO-8601
 * @param valueLayout how values are stored: {@link #PLAIN} (the encoded value) or {@link #STAMPED} (a
 *                    16-byte header with the expiry deadline and last access, then the encoded value; see
 *                    {@code dev.statestore.internal.cache.StampLayout}); format 2
 * @param ttlMillis the default time to live of entries, 0: none; format 2
 * @param expireAfterAccess whether reads restart the default time to live; format 2
 * @param maxEntries the bound on the number of entries, 0: unbounded; format 2
 * @param maxBytes the bound on the bytes entries take in the map file, 0: unbounded; format 3
 */
public record StoreMetadata(int format, String name, String keyCodec, String keyType, String valueCodec,
                            String valueType, long entries, int averageKeySize, int averageValueSize,
                            double maxGrowth, boolean journal, String sync, String journalRoll,
                            long retainSeconds, long retainBytes, String created,
                            long createdByPid, String valueLayout, long ttlMillis, boolean expireAfterAccess,
                            long maxEntries, long maxBytes) {

    /**
     * The format version this build writes and reads (and every older one). Bump it on any
     * incompatible change of a store's files: 2 added expiry and maxEntries, 3 added maxBytes
     * (a statestore that reads only 2 would neither know the field nor keep the bound), 4 the
     * journal's queue per writer process ({@code journal/w<slot>/}, {@code journal/writers.tbl}:
     * a statestore that reads only 3 would append to the single queue, out of the sequence's order).
     * A journaled store of an older format is moved to 4 by the first process of this build that
     * opens it alone ({@code StoreOpener}).
     */
    public static final int FORMAT = 4;
    /** Values stored as their encoded bytes. */
    public static final String PLAIN = "plain";
    /** Values stored behind an expiry deadline and a last-access clock. */
    public static final String STAMPED = "stamped";
    public static final String FILE_NAME = "store.json";

    /** Jackson's binding, built on first use: this build's own files are read without it ({@link CanonicalMetadata}). */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    /**
     * Reads the metadata of the store in {@code storeDir}.
     *
     * @return null when the store has none (it does not exist, or its creation never committed)
     * @throws CorruptStoreException when the file cannot be parsed
     * @throws IncompatibleFormatException when it was written by a newer format
     */
    public static StoreMetadata read(Path storeDir, String store) {
        Path file = storeDir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CorruptStoreException("Store '" + store + "': cannot read " + file + " (" + e
                    + "): check the permissions of the data directory", e);
        }
        StoreMetadata m = CanonicalMetadata.parse(bytes); // null: not in this build's own form, Jackson reads it
        if (m == null) {
            m = bind(bytes, storeDir, store);
        }
        if (!PLAIN.equals(m.valueLayout()) && !STAMPED.equals(m.valueLayout())) {
            throw new IncompatibleFormatException("Store '" + store + "' stores values as '" + m.valueLayout()
                    + "', which this statestore does not know: open it with the statestore version that wrote it");
        }
        if (!store.equals(m.name())) {
            throw new CorruptStoreException("Store '" + store + "': " + file + " describes a store named '" + m.name()
                    + "': the directory was copied or renamed by hand; rename it back or use restore --as");
        }
        return m;
    }

    /** {@code store.json} bound by Jackson: older formats, and any file not in this build's own form. */
    static StoreMetadata bind(byte[] bytes, Path storeDir, String store) {
        Path file = storeDir.resolve(FILE_NAME);
        String corrupt = "Store '" + store + "': " + file + " is not valid store metadata";
        String fix = ": restore the store from a backup, or delete " + storeDir + " to start it empty";
        try {
            JsonNode tree = Json.MAPPER.readTree(bytes);
            JsonNode format = tree == null ? null : tree.get("format");
            if (format == null || !format.isInt()) {
                throw new CorruptStoreException(corrupt + " (no format version)" + fix);
            }
            if (format.intValue() > FORMAT || format.intValue() < 1) {
                throw new IncompatibleFormatException("Store '" + store + "' has format version " + format.intValue()
                        + " but this statestore reads version " + FORMAT + ": open it with the statestore version"
                        + " that wrote it, or dump it there and load it here");
            }
            if (format.intValue() == 1 && tree.isObject()) { // format 1 had no expiry or bound: plain values
                com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) tree;
                o.put("valueLayout", PLAIN).put("ttlMillis", 0L).put("expireAfterAccess", false).put("maxEntries", 0L);
            }
            if (format.intValue() <= 2 && tree.isObject()) { // formats 1 and 2 had no bound by bytes
                ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("maxBytes", 0L);
            }
            return Json.MAPPER.treeToValue(tree, StoreMetadata.class);
        } catch (IOException e) {
            throw new CorruptStoreException(corrupt + " (" + e.getMessage() + ")" + fix, e);
        }
    }

    /** Whether values carry the expiry/access header. */
    public boolean stamped() {
        return STAMPED.equals(valueLayout);
    }

    /**
     * This metadata with other sizing (for compact / resize), in this build's {@link #FORMAT}: it
     * is written with every field this build knows.
     */
    public StoreMetadata withEntries(long newEntries) {
        return new StoreMetadata(FORMAT, name, keyCodec, keyType, valueCodec, valueType, newEntries, averageKeySize,
                averageValueSize, maxGrowth, journal, sync, journalRoll, retainSeconds, retainBytes, created,
                createdByPid, valueLayout, ttlMillis, expireAfterAccess, maxEntries, maxBytes);
    }

    /** This metadata in this build's {@link #FORMAT}. */
    public StoreMetadata upgraded() {
        return withEntries(entries);
    }

    public Instant createdInstant() {
        return Instant.parse(created);
    }

    /** Writes this metadata into {@code storeDir} atomically. */
    public void write(Path storeDir, FileModes modes) throws IOException {
        Path tmp = storeDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(this), StandardOpenOption.TRUNCATE_EXISTING);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, storeDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(storeDir, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }
}
