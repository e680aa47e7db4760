package dev.statestore.internal.journal;

import dev.statestore.ChangeType;
import dev.statestore.Durability;
import dev.statestore.JournalRoll;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Journal retention deletes whole old cycles, only those every reader is done with, and frees them. */
class RetentionTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path storeDir;

    @Test
    void oldCyclesAreDeletedOnlyOnceConsumedAndTheirFilesAreReleased() throws IOException {
        SetTimeProvider clock = new SetTimeProvider(1_800_000_000_000L / HOUR * HOUR + 60_000);
        try (Journal journal = AttachedJournals.attached(Journal.open("ret", storeDir, Durability.NONE, JournalRoll.HOURLY,
                new FileModes(false), clock), storeDir)) {
            List<Long> firstOfHour = new ArrayList<>();
            for (int hour = 0; hour < 3; hour++) {
                for (int i = 0; i < 100; i++) {
                    long seq = journal.append(ChangeType.PUT, bytes("k" + i), bytes("h" + hour));
                    if (i == 0) {
                        firstOfHour.add(seq);
                    }
                }
                clock.advanceMillis(HOUR);
            }
            assertEquals(3, cycleFiles().size());
            for (Path cycle : cycleFiles()) { // each new cycle's file is given the store's mode, not the umask's
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(cycle)), cycle.toString());
            }
            Duration age = Duration.ofMinutes(30);

            assertEquals(List.of(), journal.retain(age, 0, firstOfHour.get(0)), "cycle 0 is not fully read yet");
            assertEquals(List.of(), journal.retain(null, 0, firstOfHour.get(2)), "no policy, nothing deleted");

            List<Path> deleted = journal.retain(age, 0, firstOfHour.get(1));
            assertEquals(1, deleted.size(), "only the cycle every reader has passed");
            assertFalse(Files.exists(deleted.get(0)));
            assertEquals(2, cycleFiles().size());

            deleted = journal.retain(age, 0, firstOfHour.get(2) + 99);
            assertEquals(1, deleted.size(), "the newest cycle stays");
            assertEquals(1, cycleFiles().size());

            try (JournalReader reader = journal.reader()) {
                RawEvent first = reader.next();
                assertEquals(firstOfHour.get(2), first.sequence(), "reading resumes at the oldest kept cycle");
            }
            String journalDir = storeDir.resolve(Journal.DIR_NAME).toString();
            List<String> open = openDeletedFiles(journalDir);
            long deadline = System.nanoTime() + 5_000_000_000L; // Chronicle unmaps released cycles on its own thread
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                open = openDeletedFiles(journalDir);
            }
            assertTrue(open.isEmpty(), "deleted journal files still open or mapped: " + open);
        }
    }

    @Test
    void aSizeLimitTrimsTheOldestCyclesFirst() throws IOException {
        SetTimeProvider clock = new SetTimeProvider(1_800_000_000_000L / HOUR * HOUR + 60_000);
        try (Journal journal = AttachedJournals.attached(Journal.open("size", storeDir, Durability.NONE, JournalRoll.HOURLY,
                new FileModes(false), clock), storeDir)) {
            long last = -1;
            for (int hour = 0; hour < 4; hour++) {
                last = journal.append(ChangeType.PUT, bytes("k"), bytes("h" + hour));
                clock.advanceMillis(HOUR);
            }
            long oneFile = Files.size(cycleFiles().get(0));
            List<Path> deleted = journal.retain(null, 2 * oneFile, last);
            assertEquals(2, deleted.size());
            assertEquals(2, cycleFiles().size());
        }
    }

    /**
     * Two writers (a queue each): a cycle file of either is deleted only once everything in it is
     * consumed; what a reader reads from the start afterwards is every later event, in sequence
     * order, across both queues.
     */
    @Test
    void withAQueuePerWriterACycleGoesOnlyOnceEveryEventInItIsConsumed() throws IOException {
        SetTimeProvider clock = new SetTimeProvider(1_800_000_000_000L / HOUR * HOUR + 60_000);
        try (Journal a = AttachedJournals.attached(Journal.open("two", storeDir, Durability.NONE, JournalRoll.HOURLY,
                     new FileModes(false), clock), storeDir);
             Journal b = AttachedJournals.attached(Journal.open("two", storeDir, Durability.NONE, JournalRoll.HOURLY,
                     new FileModes(false), clock), storeDir)) {
            List<Long> lastOfHourInA = new ArrayList<>();
            long firstOfHour1 = -1;
            for (int hour = 0; hour < 3; hour++) {
                long lastA = -1;
                for (int i = 0; i < 10; i++) {
                    long s = b.append(ChangeType.PUT, bytes("b" + i), bytes("h" + hour));
                    if (hour == 1 && i == 0) {
                        firstOfHour1 = s;
                    }
                    lastA = a.append(ChangeType.PUT, bytes("a" + i), bytes("h" + hour));
                }
                lastOfHourInA.add(lastA);
                clock.advanceMillis(HOUR);
            }
            assertEquals(6, cycleFiles().size(), "3 hours in each of 2 queues");
            Duration age = Duration.ofMinutes(30);
            long lastOfHour0 = lastOfHourInA.get(0); // a wrote last in each hour
            List<Path> deleted = a.retain(age, 0, lastOfHour0 - 1);
            assertEquals(1, deleted.size(), "b's hour 0 is consumed, a's ends after that: " + deleted);
            Path queueOfB = deleted.get(0).getParent();
            deleted = a.retain(age, 0, lastOfHour0);
            assertEquals(1, deleted.size(), "now a's hour 0 too: " + deleted);
            assertFalse(deleted.get(0).getParent().equals(queueOfB), "the other queue's: " + deleted);
            assertEquals(List.of(), b.retain(age, 0, firstOfHour1 + 5), "hour 1 is read only half");
            try (JournalReader reader = b.reader()) {
                long expected = firstOfHour1;
                int read = 0;
                for (RawEvent e = reader.next(); e != null; e = reader.next(), read++) {
                    assertEquals(expected++, e.sequence(), "in order, without a gap");
                }
                assertEquals(40, read, "hours 1 and 2 of both writers");
            }
        }
    }

    private List<Path> cycleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(storeDir.resolve(Journal.DIR_NAME), 2)) {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** Deleted .cq4 files of {@code dir} this process still has open or mapped (other tests' files are ignored). */
    private static List<String> openDeletedFiles(String dir) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir) && target.endsWith(".cq4 (deleted)")) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            maps.filter(l -> l.contains(dir) && l.contains(".cq4 (deleted)")).forEach(open::add);
        }
        return open;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
