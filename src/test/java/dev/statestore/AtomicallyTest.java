package dev.statestore;

import dev.statestore.internal.journal.RawEvent;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.map.DefaultStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multi-key atomic changes: all or nothing, in the map and in the journal, across processes. */
class AtomicallyTest {
    private static final Duration LINE = Duration.ofSeconds(60);
    private static final int ACCOUNTS = 8;
    private static final long INITIAL = 1_000;

    @TempDir
    Path dir;

    @Test
    void anActionThatThrowsChangesNothingAndAKeyOutsideTheSetIsRefused() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("acct", String.class, String.class);
            m.put("a", "1");
            assertThrows(IllegalStateException.class, () -> m.atomically(Set.of("a", "b"), view -> {
                view.put("a", "2");
                view.put("b", "3");
                throw new IllegalStateException("changed my mind");
            }));
            assertEquals("1", m.get("a"));
            assertNull(m.get("b"));
            assertThrows(IllegalArgumentException.class, () -> m.atomically(Set.of("a"), view -> view.put("z", "1")));
            assertFalse(m.containsKey("z"));
            String moved = m.atomically(Set.of("a", "b"), view -> {
                view.put("b", view.remove("a"));
                return view.get("b");
            });
            assertEquals("1", moved);
            List<ChangeEvent<String, String>> events = JournalTest.collect(m, Position.START, 3);
            assertEquals(events.get(1).sequence(), events.get(2).sequence(), "the batch is one journal entry");
            assertTrue(store.admin().verify("acct").clean());
        }
    }

    @Test
    void anExpiryInABatchIsJournaledAsExpireAndAPutAfterItInTheSameBatchAsPut() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("expiring", String.class, String.class);
            m.put("a", "1");
            m.put("b", "2");
            assertEquals("1", m.atomically(Set.of("a"), view -> view.expire("a")));
            assertNull(m.atomically(Set.of("a"), view -> view.expire("a")), "nothing to expire: nothing journaled");
            m.atomically(Set.of("b"), view -> {
                view.expire("b");
                return view.put("b", "3"); // expired, then written again: the batch's change is the put
            });
            m.atomically(Set.of("b"), view -> view.remove("b"));
            List<ChangeEvent<String, String>> events = JournalTest.collect(m, Position.START, 5);
            assertEquals(List.of(ChangeType.PUT, ChangeType.PUT, ChangeType.EXPIRE, ChangeType.PUT, ChangeType.REMOVE),
                    events.stream().map(ChangeEvent::type).toList());
            assertFalse(m.containsKey("a"));
            assertFalse(m.containsKey("b"));
            assertTrue(store.admin().verify("expiring").clean(), "replay treats the expiry as a removal");
        }
    }

    @Test
    void aBatchKilledRightAfterJournalingAnEvictionHasTheEvictionFinishedByTheNextProcess() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("bounded", String.class, String.class,
                    MapOptions.builder().maxEntries(1_000).build());
            for (int i = 0; i < 2_000; i++) {
                m.put("old-" + i, "v");
            }
        }
        // the batch adds keys to a full store: after its own entry it evicts, and halts at the first eviction
        try (ChildJvm child = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterJournal=true"), dir,
                "workload", "atomicput", "bounded", "--prefix", "new-", "--count", "20")) {
            assertEquals(137, child.waitFor(LINE), "the fault point did not halt the batch: " + child.stderr());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            RawEvent last = null;
            try (var reader = store.journal("bounded").reader()) {
                for (RawEvent e = reader.next(); e != null; e = reader.next()) {
                    last = e;
                }
            }
            assertEquals(ChangeType.EVICT, last.type(), "the batch halted after journaling an eviction");
            assertTrue(last.stripe() >= 0, "the eviction names the stripe it ran under");
            var report = store.admin().verify("bounded");
            assertTrue(report.clean(), report.summary());
            StoreMap<String, String> m = store.map("bounded", String.class, String.class);
            assertNull(m.get(new String(last.key(), java.nio.charset.StandardCharsets.UTF_8)), "the evicted key is gone");
        }
    }

    @Test
    void transfersFromTwoJvmsNeverDeadlockAndKeepTheTotalEvenWhenOneIsKilled() throws InterruptedException {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("bank", String.class, String.class);
            for (int i = 0; i < ACCOUNTS; i++) {
                m.put("acct" + i, Long.toString(INITIAL));
            }
        }
        try (ChildJvm steady = transfers(3000);
             ChildJvm victim = transfers(1_000_000_000)) {
            for (int i = 0; i < 300; i++) {
                assertTrue(victim.readLine(LINE).startsWith("moved "), victim.stderr());
            }
            victim.kill();
            for (String line; !(line = steady.readLine(LINE)).equals("done"); ) {
                assertTrue(line.startsWith("moved "), line);
            }
            assertEquals(0, steady.waitFor(LINE), steady.stderr());
        }
        try (DefaultStateStore store = (DefaultStateStore) StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("bank", String.class, String.class);
            long total = 0;
            for (int i = 0; i < ACCOUNTS; i++) {
                total += Long.parseLong(m.get("acct" + i));
            }
            assertEquals(ACCOUNTS * INITIAL, total, "money was created or destroyed: a transfer was half applied");
            assertTrue(store.admin().verify("bank").clean(), store.admin().verify("bank").summary());
            Map<String, Long> replayed = new HashMap<>();
            for (var e : JournalTest.collect(m, Position.START, (int) Math.min(Integer.MAX_VALUE, countEvents(store)))) {
                replayed.put(e.key(), Long.parseLong(e.value()));
            }
            assertEquals(ACCOUNTS * INITIAL, replayed.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    private static long countEvents(DefaultStateStore store) {
        long n = 0;
        try (var reader = store.journal("bank").reader()) {
            while (reader.next() != null) {
                n++;
            }
        }
        return n;
    }

    private ChildJvm transfers(long count) {
        return ChildJvm.cli(dir, "workload", "transfer", "bank", "--prefix", "acct", "--keys",
                Integer.toString(ACCOUNTS), "--count", Long.toString(count));
    }
}
