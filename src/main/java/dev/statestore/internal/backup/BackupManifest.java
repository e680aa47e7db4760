package dev.statestore.internal.backup;

import dev.statestore.CorruptStoreException;
import dev.statestore.IncompatibleFormatException;
import dev.statestore.internal.platform.FileModes;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a backup directory holds, in {@code backup.json}, written last (its presence marks a
 * complete backup):
 * <pre>{@code
 * {"format": 1, "kind": "statestore-backup", "store": "sessions", "created": "2024-06-01T02:00:00Z",
 *  "journalLastSequence": 81604378624, "pauseMicros": 41210,
 *  "files": [{"path": "map.dat", "bytes": 38879232, "sha256": "..."}, ...]}
 * }</pre>
 *
 * @param format the manifest's format version, {@link #FORMAT}
 * @param kind always {@link #KIND}
 * @param store the name of the store backed up
 * @param created when the copy was taken, ISO-8601
 * @param journalLastSequence the journal's newest sequence in the copy, -1 when empty or without a journal
 * @param pauseMicros how long writers were held while the copy was taken
 * @param files every file of the backup but this one, with its length and SHA-256
 */
public record BackupManifest(int format, String kind, String store, String created, long journalLastSequence,
                             long pauseMicros, List<FileEntry> files) {
    public static final int FORMAT = 1;
    public static final String KIND = "statestore-backup";
    public static final String FILE_NAME = "backup.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * One file of a backup.
     *
     * @param path relative to the backup directory, with '/' separators
     * @param bytes its length
     * @param sha256 its SHA-256, in hex
     */
    public record FileEntry(String path, long bytes, String sha256) {
    }

    /**
     * Reads the manifest of the backup in {@code dir}.
     *
     * @throws BackupRefusedException when {@code dir} is not a statestore backup
     * @throws IncompatibleFormatException when a newer statestore wrote it
     * @throws CorruptStoreException when the manifest cannot be parsed
     */
    public static BackupManifest read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BackupRefusedException(notABackup(dir));
        } catch (IOException e) {
            throw new BackupRefusedException("Cannot read " + file + " (" + e + ")", e);
        }
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            if (tree == null || !tree.isObject() || !KIND.equals(tree.path("kind").asText())) {
                throw new BackupRefusedException(dir + " is not a statestore backup: " + file + " is not a backup manifest");
            }
            int format = tree.path("format").asInt(-1);
            if (format < 1 || format > FORMAT) {
                throw new IncompatibleFormatException("Backup " + dir + " has format version " + format
                        + " but this statestore reads version " + FORMAT + ": restore it with the statestore version that wrote it");
            }
            BackupManifest m = MAPPER.treeToValue(tree, BackupManifest.class);
            for (FileEntry f : m.files()) {
                Path p = dir.resolve(f.path()).normalize();
                if (!p.startsWith(dir.normalize()) || f.path().startsWith("/")) {
                    throw new CorruptStoreException("Backup " + dir + ": its manifest names a file outside the backup ("
                            + f.path() + "): the manifest is damaged or was not written by statestore");
                }
            }
            return m;
        } catch (IOException e) {
            throw new CorruptStoreException("Backup " + dir + ": " + file + " is not a valid manifest (" + e.getMessage()
                    + "): the backup is damaged; use another one", e);
        }
    }

    private static String notABackup(Path dir) {
        if (!Files.isDirectory(dir)) {
            return dir + " is not a statestore backup: no such directory";
        }
        List<String> inside = new ArrayList<>();
        try (DirectoryStream<Path> subdirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path sub : subdirs) {
                if (Files.exists(sub.resolve(FILE_NAME))) {
                    inside.add(sub.getFileName().toString());
                }
            }
        } catch (IOException ignored) {
            // only for the hint
        }
        inside.sort(null);
        String hint = inside.isEmpty() ? "give the directory `statestore backup STORE DIR` created, DIR/STORE"
                : "it holds the backups of " + String.join(", ", inside) + ": give one of them, e.g. " + dir.resolve(inside.get(0));
        return dir + " is not a statestore backup (it has no " + FILE_NAME + "): " + hint;
    }

    /** Writes this manifest into {@code dir} atomically (temporary file, fsync, rename). */
    void write(Path dir, FileModes modes) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        modes.createFile(tmp);
        Files.write(tmp, MAPPER.writeValueAsBytes(this), StandardOpenOption.TRUNCATE_EXISTING);
        SparseCopy.force(tmp);
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    }
}
