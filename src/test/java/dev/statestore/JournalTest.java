package dev.statestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyMutationPathIsJournaledInOrderAndNoOpsWriteNothing() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("j", String.class, String.class);
            m.put("a", "1");                       // PUT a=1
            m.putIfAbsent("a", "x");               // no-op
            m.putIfAbsent("b", "2");               // PUT b=2
            m.replace("zz", "x");                  // no-op
            m.replace("a", "3");                   // PUT a=3
            m.replace("a", "wrong", "x");          // no-op
            m.replace("a", "3", "4");              // PUT a=4
            m.remove("b", "wrong");                // no-op
            m.remove("b", "2");                    // REMOVE b
            m.remove("nothing");                   // no-op
            m.compute("c", (k, v) -> "5");         // PUT c=5
            m.computeIfAbsent("c", k -> "x");      // no-op
            m.computeIfPresent("c", (k, v) -> v + "6"); // PUT c=56
            m.merge("c", "7", (a, b) -> a + b);    // PUT c=567
            m.compute("c", (k, v) -> null);        // REMOVE c
            m.putAll(Map.of("d", "8"));            // PUT d=8
            m.entrySet().iterator().next().setValue("9"); // PUT (a or d)=9
            Iterator<String> it = m.keySet().iterator();
            String removed = it.next();
            it.remove();                           // REMOVE first key
            m.put("e", "10");                      // PUT e=10
            m.values().removeIf("10"::equals);     // REMOVE e
            m.put("f", "11");
            m.clear();                             // CLEAR f and whichever of a, d the iterator left
            assertTrue(m.isEmpty());

            List<ChangeEvent<String, String>> events = collect(m, Position.START, 17);
            List<String> got = new ArrayList<>();
            for (ChangeEvent<String, String> e : events) {
                got.add(e.type() + " " + e.key() + (e.value() == null ? "" : "=" + e.value()));
            }
            assertEquals(List.of("PUT a=1", "PUT b=2", "PUT a=3", "PUT a=4", "REMOVE b", "PUT c=5", "PUT c=56",
                    "PUT c=567", "REMOVE c", "PUT d=8"), got.subList(0, 10));
            assertTrue(got.get(10).matches("PUT [ad]=9"), got.get(10));
            assertEquals("REMOVE " + removed, got.get(11));
            assertEquals(List.of("PUT e=10", "REMOVE e", "PUT f=11"), got.subList(12, 15));
            String survivor = removed.equals("a") ? "d" : "a";
            assertEquals(java.util.Set.of("CLEAR " + survivor, "CLEAR f"), java.util.Set.copyOf(got.subList(15, 17)));
            assertNull(poll(m, Position.after(events.get(16).sequence())), "an event beyond the expected ones");
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).sequence() > events.get(i - 1).sequence());
                assertEquals(ProcessHandle.current().pid(), events.get(i).writerPid());
            }
        }
    }

    @Test
    void endPositionDeliversOnlyLaterChangesAndAfterResumesPastASequence() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<Long, byte[]> m = store.map("bin", Long.class, byte[].class);
            m.put(1L, new byte[] {1});
            BlockingQueue<ChangeEvent<Long, byte[]>> q = new LinkedBlockingQueue<>();
            try (Subscription s = m.subscribe(Position.END, q::add)) {
                m.put(2L, new byte[] {2, 2});
                ChangeEvent<Long, byte[]> e = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(e);
                assertEquals(2L, e.key());
                assertEquals(2, e.value().length);
                m.put(3L, new byte[] {3});
                long second = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS).sequence();
                List<ChangeEvent<Long, byte[]>> after = collect(m, Position.after(e.sequence()), 1);
                assertEquals(second, after.get(0).sequence());
                assertEquals(3L, after.get(0).key());
            }
        }
    }

    @Test
    void aThrowingListenerIsReportedAndTheSubscriptionGoesOn() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("errs", String.class, String.class);
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
            SubscribeOptions options = SubscribeOptions.builder()
                    .errorHandler((event, error) -> errors.add(error))
                    .build();
            try (Subscription s = m.subscribe(Position.START, e -> {
                if (e.key().equals("bad")) {
                    throw new IllegalStateException("listener bug");
                }
                seen.add(e.key());
            }, options)) {
                m.put("bad", "x");
                m.put("good", "y");
                assertEquals("good", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals("listener bug", errors.poll(WAIT.toSeconds(), TimeUnit.SECONDS).getMessage());
                assertTrue(s.isRunning());
            }
        }
    }

    @Test
    void aStoreWithoutJournalRefusesSubscriptions() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> cache = store.map("cache", String.class, String.class,
                    MapOptions.builder().journal(false).build());
            cache.put("k", "v");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> cache.subscribe(Position.START, ev -> { }));
            assertTrue(e.getMessage().contains("cache") && e.getMessage().contains("journal=false"), e.getMessage());
        }
    }

    @Test
    void namedSubscriptionResumesAfterTheLastDeliveredEvent() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> m = store.map("named", String.class, String.class);
            for (int i = 0; i < 5; i++) {
                m.put("k" + i, "v" + i);
            }
            List<ChangeEvent<String, String>> first = collect(m, Position.named("billing"), 5);
            assertEquals("k4", first.get(4).key());
            m.put("k5", "v5");
            List<ChangeEvent<String, String>> second = collect(m, Position.named("billing"), 1);
            assertEquals("k5", second.get(0).key());
            assertNull(poll(m, Position.named("billing")), "a delivered event came again");
        }
    }

    private static <K, V> ChangeEvent<K, V> poll(StoreMap<K, V> m, Position p) throws InterruptedException {
        BlockingQueue<ChangeEvent<K, V>> q = new LinkedBlockingQueue<>();
        try (Subscription s = m.subscribe(p, q::add)) {
            return q.poll(300, TimeUnit.MILLISECONDS);
        }
    }

    static <K, V> List<ChangeEvent<K, V>> collect(StoreMap<K, V> m, Position p, int n) throws InterruptedException {
        BlockingQueue<ChangeEvent<K, V>> q = new LinkedBlockingQueue<>();
        List<ChangeEvent<K, V>> out = new ArrayList<>();
        try (Subscription s = m.subscribe(p, q::add)) {
            while (out.size() < n) {
                ChangeEvent<K, V> e = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(e, "only " + out.size() + " of " + n + " events arrived: " + out);
                out.add(e);
            }
        }
        return out;
    }
}
