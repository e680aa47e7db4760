package dev.statestore;

import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4, replaying the journal yields exactly the map: after a writer is killed inside a
 * journal append, and, when they disagree anyway, after {@code recover} as the CLI suggests it.
 */
class MapJournalAgreementTest {
    private static final Duration LINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /**
     * A writer killed inside a journal append, right after it took its sequence (before its writer
     * slot records it), before or after its entry is committed, and the two things that settle that
     * entry met in either order: the takeover of the writer's stripe (crash repair) and another
     * append. A subscriber that was reading all along hears what the map holds and goes on past
     * the dead writer's sequence.
     */
    @ParameterizedTest(name = "halted {0}, {1} first")
    @CsvSource({
            "afterClaim, takeover",
            "afterClaim, queueLock",
            "beforeCommit, takeover",
            "beforeCommit, queueLock",
            "afterCommit, takeover",
            "afterCommit, queueLock",
    })
    void anEntryLeftByAWriterKilledInsideAnAppendIsEitherAnAppliedEventOrNoEvent(String halt, String first) {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("crash", String.class, String.class);
            m.put("k", "before");
            m.put("unrelated", "1");
            List<ChangeEvent<String, String>> heard = new CopyOnWriteArrayList<>();
            try (Subscription sub = m.subscribe(Position.START, heard::add)) {
                try (ChildJvm writer = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltInAppend=" + halt),
                        dir, "put", "crash", "k", "journaled")) {
                    assertEquals(137, writer.waitFor(LINE), "the fault point did not halt the writer: " + writer.stderr());
                }
                var admin = (DefaultStateStore) store;
                if (first.equals("queueLock")) {
                    // an append that needs no stripe waits out the dead writer's queue lock first
                    admin.journal("crash").append(ChangeType.PUT, "unrelated".getBytes(StandardCharsets.UTF_8),
                            "1".getBytes(StandardCharsets.UTF_8));
                    m.get("k"); // then the stripe is taken over
                } else {
                    m.get("k"); // the stripe is taken over at once
                    m.put("after", "1"); // then an append waits out the queue lock
                }
                String expected = halt.equals("afterCommit") ? "journaled" : "before";
                assertEquals(expected, m.get("k"));
                m.put("last", "1");
                var report = store.admin().verify("crash");
                assertTrue(report.clean(), report.summary());
                // the subscriber heard what the map holds, no more
                Map<String, String> replay = new ConcurrentHashMap<>();
                long deadline = System.nanoTime() + LINE.toNanos();
                while (heard.stream().noneMatch(e -> e.key().equals("last")) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                for (ChangeEvent<String, String> e : heard) {
                    if (e.value() == null) {
                        replay.remove(e.key());
                    } else {
                        replay.put(e.key(), e.value());
                    }
                }
                assertEquals(expected, replay.get("k"), "events heard: " + heard);
            }
        }
    }

    /**
     * A writer killed after the map changed and before Chronicle closed the operation leaves an
     * entry whose checksum was never stored; Chronicle's full recovery (run by the next open when
     * no process is attached) deletes such an entry, so the change must still be finished from the
     * journal after it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"insert, absent", "replace, before"})
    void aChangeKilledBeforeChronicleClosedItSurvivesTheFullRecoveryOfTheNextOpen(String kind, String initial) {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("closing", String.class, String.class);
            m.put("other", "1");
            if (!initial.equals("absent")) {
                m.put("k", initial);
            }
        }
        try (ChildJvm writer = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterMapChange=true"),
                dir, "put", "closing", "k", "journaled")) {
            assertEquals(137, writer.waitFor(LINE), "the fault point did not halt the writer: " + writer.stderr());
        }
        try (StateStore store = StateStore.open(dir)) { // nobody attached: Chronicle's recovery runs first
            StoreMap<String, String> m = store.map("closing", String.class, String.class);
            assertEquals("journaled", m.get("k"));
            var report = store.admin().verify("closing");
            assertTrue(report.clean(), report.summary());
        }
    }

    /**
     * The backstop: whatever Chronicle's full recovery deletes or changes is set back to the
     * journal's state at that open. Here nothing is left in flight to finish it (the in-flight
     * words are wiped, as no sequence was recorded), so only the mend after recovery can.
     */
    @Test
    void whatChroniclesRecoveryDeletesIsSetBackFromTheJournalAtOpen() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("wiped", String.class, String.class).put("k", "before");
        }
        try (ChildJvm writer = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterMapChange=true"),
                dir, "put", "wiped", "k", "journaled")) {
            assertEquals(137, writer.waitFor(LINE), "the fault point did not halt the writer: " + writer.stderr());
        }
        try (java.nio.channels.FileChannel table = java.nio.channels.FileChannel.open(
                dir.resolve("wiped").resolve("stripes.tbl"), java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            table.read(header, 0);
            int stripes = header.getInt(12); // see StripeLayout: stripe i at 64 + 64 i, in-flight word at +8
            for (int i = 0; i < stripes; i++) {
                java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, -1L);
                table.write(none, 64 + 64L * i + 8);
            }
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals("journaled", store.map("wiped", String.class, String.class).get("k"));
            var report = store.admin().verify("wiped");
            assertTrue(report.clean(), report.summary());
        }
    }

    @Test
    void recoverSetsTheMapToTheJournalsStateWhenTheyDisagreeAsVerifySuggests() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("drift", String.class, String.class);
            m.put("kept", "1");
            m.put("changed", "old");
            m.put("stray", "x");
            var journal = ((DefaultStateStore) store).journal("drift");
            // the journal alone records three changes the map never saw
            journal.append(ChangeType.PUT, bytes("lost"), bytes("journaled"));
            journal.append(ChangeType.PUT, bytes("changed"), bytes("new"));
            journal.append(ChangeType.REMOVE, bytes("stray"), null);
        }
        CliResult verify = cli("verify", "drift");
        assertEquals(3, verify.code());
        String hint = "run 'statestore recover drift'";
        assertTrue(verify.err().contains("1 key(s) missing from the map, 1 key(s) in the map but not in the journal,"
                + " 1 value(s) differ") && verify.err().contains(hint), verify.err());

        CliResult recover = cli("recover", "drift");
        assertEquals(0, recover.code(), recover.out() + recover.err());
        assertTrue(recover.out().contains("map set to the journal's state for 3 key(s): 1 missing, 1 not in the journal,"
                + " 1 differing"), recover.out());
        assertTrue(recover.out().contains("map and journal agree"), recover.out());

        assertEquals(0, cli("verify", "drift").code());
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("drift", String.class, String.class);
            assertEquals(Map.of("kept", "1", "changed", "new", "lost", "journaled"), Map.copyOf(m));
        }
        CliResult again = cli("recover", "drift");
        assertEquals(0, again.code());
        assertFalse(again.out().contains("map set to"), again.out());
    }

    private record CliResult(int code, String out, String err) {
    }

    private CliResult cli(String... args) {
        try (ChildJvm child = ChildJvm.cli(dir, args)) {
            child.closeStdin();
            String out = String.join("\n", child.remainingLines(LINE));
            return new CliResult(child.waitFor(LINE), out, child.stderr());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
