package dev.statestore.internal.replication;

import dev.statestore.IncompatibleFormatException;
import dev.statestore.internal.platform.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code replication.json}: applied offsets and origins survive a reload; duplicates are recognized; a newer format is refused. */
class ReplicationStateTest {
    @TempDir
    Path dir;

    @Test
    void appliedOffsetsAndOriginsSurviveAReload() throws IOException {
        ReplicationState s = ReplicationState.load("s", dir, new FileModes(false));
        assertEquals(-1, s.next(0));
        assertTrue(s.isNew(0, "host-a", 10, 0));
        s.applied(0, 41, "host-a", 10, 0);
        s.applied(0, 42, "host-a", 10, 1);
        s.skipped(1, 7);
        s.snapshotThrough(5);
        s.saveIfChanged();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ReplicationState.FILE_NAME))));

        ReplicationState again = ReplicationState.load("s", dir, new FileModes(false));
        assertEquals(43, again.next(0));
        assertEquals(8, again.next(1));
        assertEquals(5, again.snapshotThrough());
        assertFalse(again.isNew(0, "host-a", 10, 1), "shipped twice: dropped");
        assertFalse(again.isNew(0, "host-a", 9, 5), "older: dropped");
        assertTrue(again.isNew(0, "host-a", 10, 2), "the next change of the same journal entry");
        assertTrue(again.isNew(0, "host-b", 1, 0), "another origin");
        assertTrue(again.isNew(1, "host-a", 1, 0), "another partition");
    }

    @Test
    void groupAccessWritesTheFileGroupReadable() throws IOException {
        ReplicationState s = ReplicationState.load("s", dir, new FileModes(true));
        s.applied(0, 0, "h", 1, 0);
        s.saveIfChanged();
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ReplicationState.FILE_NAME))));
    }

    @Test
    void aNewerFormatIsRefusedNamingTheFix() throws IOException {
        Files.writeString(dir.resolve(ReplicationState.FILE_NAME), "{\"format\": 2, \"partitions\": []}");
        IncompatibleFormatException e = assertThrows(IncompatibleFormatException.class,
                () -> ReplicationState.load("s", dir, new FileModes(false)));
        assertTrue(e.getMessage().contains("has format 2") && e.getMessage().contains("move the file aside"), e.getMessage());
    }
}
