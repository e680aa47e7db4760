package dev.statestore.internal.journal;

import dev.statestore.ChangeType;
import dev.statestore.DiskFullException;
import dev.statestore.Durability;
import dev.statestore.JournalRoll;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.testkit.Tmpfs;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The first append of a new cycle on a full disk: Chronicle makes the cycle's file inside that
 * append, before the journal can reserve its blocks, so the journal checks for room first. The
 * append is refused with the typed error before any file is made; once there is room the journal
 * rolls, every event is there, and no cycle file was left unreadable or set aside as one.
 */
class JournalRollOnFullDiskTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void theFirstAppendOfANewCycleOnAFullDiskIsRefusedBeforeAFileIsMade() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir, 24, "DiskFullTest's fault-point case covers refusals")) {
            SetTimeProvider clock = new SetTimeProvider(1_800_000_000_000L / HOUR * HOUR + 60_000);
            Path storeDir = disk.path().resolve("s");
            List<String> appended = new ArrayList<>();
            try (Journal journal = AttachedJournals.attached(Journal.open("s", storeDir, Durability.NONE, JournalRoll.HOURLY,
                    new FileModes(false), clock), storeDir)) {
                for (int i = 0; i < 10; i++) {
                    journal.append(ChangeType.PUT, bytes("k" + i), bytes("first hour"));
                    appended.add("k" + i);
                }
                Path filler = disk.fill();
                clock.advanceMillis(HOUR);

                DiskFullException full = assertThrows(DiskFullException.class,
                        () -> journal.append(ChangeType.PUT, bytes("refused"), bytes("second hour")));
                assertEquals(storeDir.resolve(Journal.DIR_NAME), full.directory(), full.getMessage());
                assertEquals(1, cycleFiles(storeDir).size(), "no file was made for the new cycle");

                Files.delete(filler);
                journal.append(ChangeType.PUT, bytes("after"), bytes("second hour"));
                appended.add("after");
                assertEquals(2, cycleFiles(storeDir).size(), "the journal rolled once there was room");
                journal.checkReadable(); // every cycle file sound, none set aside
                List<String> read = new ArrayList<>();
                try (JournalReader reader = journal.reader()) {
                    for (RawEvent e; (e = reader.next()) != null; ) {
                        read.add(new String(e.key(), StandardCharsets.UTF_8));
                    }
                }
                assertEquals(appended, read);
            }
        }
    }

    private static List<Path> cycleFiles(Path storeDir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(storeDir.resolve(Journal.DIR_NAME), 2)) {
            return files.filter(f -> f.getFileName().toString().contains(".cq4")
                    && !f.getFileName().toString().endsWith(".cq4t")).toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
