package dev.statestore.internal.journal;

import dev.statestore.ChangeType;
import dev.statestore.Durability;
import dev.statestore.JournalRoll;
import dev.statestore.internal.platform.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sync: async}: the journal is forced to disk by the flusher about once a second after appends, not per write. */
class AsyncFlushTest {
    @TempDir
    Path dir;

    @Test
    void anAsyncJournalIsForcedByTheFlusherAfterAppendsAndOnlyThen() throws Exception {
        try (Journal async = AttachedJournals.attached(Journal.open("a", dir.resolve("a"), Durability.ASYNC, JournalRoll.DAILY,
                     new FileModes(false)), dir.resolve("a"));
             Journal none = AttachedJournals.attached(Journal.open("n", dir.resolve("n"), Durability.NONE, JournalRoll.DAILY,
                     new FileModes(false)), dir.resolve("n"))) {
            async.ensureOpen();
            none.ensureOpen();
            async.append(ChangeType.PUT, bytes("k"), bytes("v"));
            none.append(ChangeType.PUT, bytes("k"), bytes("v"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (async.flushes() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            assertEquals(1, async.flushes(), "forced once after the append");
            // nothing appended since: the next flusher rounds force nothing
            long quietUntil = System.nanoTime() + 2 * Journal.ASYNC_FLUSH_MILLIS * 1_000_000L + 500_000_000L;
            while (System.nanoTime() < quietUntil) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
                assertEquals(1, async.flushes(), "no appends, no flush");
            }
            async.append(ChangeType.PUT, bytes("k2"), bytes("v2"));
            deadline = System.nanoTime() + 10_000_000_000L;
            while (async.flushes() == 1 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            assertEquals(2, async.flushes(), "forced again after the next append");
            assertTrue(none.flushes() == 0, "sync: none is never forced");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
