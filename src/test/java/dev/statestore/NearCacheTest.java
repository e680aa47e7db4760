package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The near cache, within one JVM: a reader handle with a near cache and a writer handle (another
 * {@link StateStore} on the same directory: another attachment, with its own process slot, as
 * another process would be) without one. Every path that changes entries must make the reader's
 * next get return the change, though the reader's copy was a hit just before.
 */
class NearCacheTest {
    private static final Duration LINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private StateStore writerStore;
    private StateStore readerStore;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void open() {
        writerStore = StateStore.open(dir);
        readerStore = StateStore.open(dir);
        registry = new SimpleMeterRegistry();
        readerStore.bindTo(registry);
    }

    @AfterEach
    void close() {
        readerStore.close();
        writerStore.close();
    }

    private StoreMap<String, String> writer(String name) {
        return writerStore.map(name, String.class, String.class, MapOptions.builder().entries(10_000).build());
    }

    private StoreMap<String, String> reader(String name) {
        return readerStore.map(name, String.class, String.class, MapOptions.builder().nearCache(1000).build());
    }

    private double nearGets(String name, String result) {
        return registry.get("statestore.nearcache.gets").tag("cache", name).tag("result", result).functionCounter().count();
    }

    /** Reads {@code key} twice through the reader: the second read must be a near hit of {@code expected}. */
    private void nearHit(StoreMap<String, String> reader, String name, String key, String expected) {
        assertEquals(expected, reader.get(key));
        double hits = nearGets(name, "hit");
        assertEquals(expected, reader.get(key));
        assertEquals(hits + 1, nearGets(name, "hit"), "the second read of " + key + " was not a near hit");
    }

    @Test
    void aRepeatedReadIsANearHitAndAMissReadsTheMap() {
        StoreMap<String, String> w = writer("hits");
        w.put("k", "v1");
        StoreMap<String, String> r = reader("hits");
        assertEquals("v1", r.get("k"));
        assertEquals(1.0, nearGets("hits", "miss"));
        nearHit(r, "hits", "k", "v1");
        assertEquals(1.0, registry.get("statestore.nearcache.size").tag("cache", "hits").gauge().value());
        assertNull(r.get("absent"));
    }

    @Test
    void everySingleKeyWriteOfAnotherHandleIsSeenAtTheNextRead() {
        StoreMap<String, String> w = writer("writes");
        StoreMap<String, String> r = reader("writes");
        List<Map.Entry<String, Consumer<StoreMap<String, String>>>> writes = List.of(
                Map.entry("put", m -> m.put("k", "put")),
                Map.entry("replace", m -> m.replace("k", "replace")),
                Map.entry("replace if", m -> m.replace("k", "replace", "replace if")),
                Map.entry("compute", m -> m.compute("k", (k, v) -> v + "+compute")),
                Map.entry("computeIfPresent", m -> m.computeIfPresent("k", (k, v) -> "computeIfPresent")),
                Map.entry("merge", m -> m.merge("k", "merge", (a, b) -> b)),
                Map.entry("putAll", m -> m.putAll(Map.of("k", "putAll"))),
                Map.entry("remove", m -> m.remove("k")),
                Map.entry("putIfAbsent", m -> m.putIfAbsent("k", "putIfAbsent")),
                Map.entry("remove if", m -> m.remove("k", "putIfAbsent")),
                Map.entry("computeIfAbsent", m -> m.computeIfAbsent("k", k -> "computeIfAbsent")),
                Map.entry("entrySet setValue", m -> m.entrySet().iterator().next().setValue("setValue")),
                Map.entry("keySet remove", m -> m.keySet().remove("k")));
        w.put("k", "v0");
        for (var write : writes) {
            String before = w.get("k");
            if (before != null) {
                nearHit(r, "writes", "k", before);
            }
            write.getValue().accept(w);
            assertEquals(w.get("k"), r.get("k"), "after " + write.getKey());
            assertEquals(w.containsKey("k"), r.containsKey("k"), "containsKey after " + write.getKey());
        }
        assertNull(r.get("k"));
    }

    @Test
    void anAtomicStepOfAnotherHandleIsSeen() {
        StoreMap<String, String> w = writer("atomic");
        StoreMap<String, String> r = reader("atomic");
        w.put("a", "1");
        w.put("b", "2");
        nearHit(r, "atomic", "a", "1");
        nearHit(r, "atomic", "b", "2");
        w.atomically(Set.of("a", "b"), m -> {
            m.put("a", m.get("b"));
            m.remove("b");
            return null;
        });
        assertEquals("2", r.get("a"));
        assertNull(r.get("b"));
        assertFalse(r.containsKey("b"));
    }

    @Test
    void clearByAnotherHandleEmptiesTheReadersView() {
        StoreMap<String, String> w = writer("cleared");
        StoreMap<String, String> r = reader("cleared");
        for (int i = 0; i < 100; i++) {
            w.put("k" + i, "v" + i);
            assertEquals("v" + i, r.get("k" + i));
        }
        nearHit(r, "cleared", "k7", "v7");
        w.clear();
        for (int i = 0; i < 100; i++) {
            assertNull(r.get("k" + i));
            assertFalse(r.containsKey("k" + i));
        }
        assertTrue(r.isEmpty());
    }

    @Test
    void clearThroughTheReaderDropsItsCopies() {
        StoreMap<String, String> r = reader("own");
        r.put("k", "v");
        nearHit(r, "own", "k", "v");
        r.clear();
        assertNull(r.get("k"));
        assertEquals(0.0, registry.get("statestore.nearcache.size").tag("cache", "own").gauge().value());
    }

    @Test
    void iterationAndContainsKeyAgreeWithGet() {
        StoreMap<String, String> w = writer("views");
        StoreMap<String, String> r = reader("views");
        w.put("a", "1");
        w.put("b", "2");
        nearHit(r, "views", "a", "1");
        w.put("a", "3");
        w.remove("b");
        assertEquals(Map.of("a", "3"), Map.copyOf(r));
        assertEquals("3", r.get("a"));
        assertTrue(r.containsKey("a"));
        assertFalse(r.containsKey("b"));
        assertEquals(Set.of("a"), Set.copyOf(r.keySet()));
    }

    @Test
    void byteValuesAreCopiedOutAndGetUsingFillsTheCallersArray() {
        StoreMap<String, byte[]> w = writerStore.map("bytes", String.class, byte[].class);
        StoreMap<String, byte[]> r = readerStore.map("bytes", String.class, byte[].class,
                MapOptions.builder().nearCache(10).build());
        w.put("k", new byte[] {1, 2, 3});
        byte[] first = r.get("k");
        first[0] = 9; // the caller's array: changing it must change nothing in the near copy
        byte[] second = r.get("k");
        assertArrayEquals(new byte[] {1, 2, 3}, second);
        byte[] buffer = new byte[3];
        assertSame(buffer, r.getUsing("k", buffer), "a near hit of the buffer's length is read into it");
        assertArrayEquals(new byte[] {1, 2, 3}, buffer);
        buffer[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, r.get("k"));
        assertEquals(3.0, nearGets("bytes", "hit"), "every read but the first came from the near cache");
        w.put("k", new byte[] {4, 5, 6});
        assertArrayEquals(new byte[] {4, 5, 6}, r.getUsing("k", buffer));
    }

    /**
     * A refill of a byte[] value of the same length rewrites the near copy's array in place: readers
     * copying it out meanwhile must never return a mix of two values. Two reader threads share one
     * near cache (one refills while the other copies out) while a writer rewrites the key with
     * arrays of one repeated byte each.
     */
    @Test
    void byteValuesRefilledInPlaceAreNeverReadTorn() throws Exception {
        int size = 16 << 10; // long copies: wide windows for a refill to overlap them
        StoreMap<String, byte[]> w = writerStore.map("torn", String.class, byte[].class,
                MapOptions.builder().entries(100).averageValueSize(size).build());
        StoreMap<String, byte[]> r = readerStore.map("torn", String.class, byte[].class,
                MapOptions.builder().nearCache(10).build());
        w.put("k", new byte[size]);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<String> torn = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> readers = new java.util.ArrayList<>();
        for (int t = 0; t < 2; t++) {
            boolean using = t == 1;
            readers.add(new Thread(() -> {
                byte[] buffer = new byte[size];
                while (writing.get() && torn.get() == null) {
                    byte[] v = using ? r.getUsing("k", buffer) : r.get("k");
                    for (byte b : v) {
                        if (b != v[0]) {
                            torn.set("read " + b + " beside " + v[0]);
                        }
                    }
                }
            }));
        }
        readers.forEach(Thread::start);
        for (int i = 1; i <= 20_000 && torn.get() == null; i++) {
            byte[] v = new byte[size];
            java.util.Arrays.fill(v, (byte) i);
            w.put("k", v);
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }
        assertNull(torn.get(), "a torn near copy was returned");
        assertTrue(nearGets("torn", "hit") > 0, "the readers used near copies");
    }

    @Test
    void byteKeysAreComparedByContent() {
        StoreMap<byte[], String> w = writerStore.map("bkeys", byte[].class, String.class);
        StoreMap<byte[], String> r = readerStore.map("bkeys", byte[].class, String.class,
                MapOptions.builder().nearCache(10).build());
        byte[] key = {1, 2};
        w.put(key, "v1");
        assertEquals("v1", r.get(key));
        key[0] = 7; // the caller changes its key array after the read: the near copy stays under {1, 2}
        assertNull(r.get(key));
        assertEquals("v1", r.get(new byte[] {1, 2}));
        w.put(new byte[] {1, 2}, "v2");
        assertEquals("v2", r.get(new byte[] {1, 2}));
    }

    @Test
    void aCopyIsNotReturnedPastItsDeadline() {
        StoreMap<String, String> w = writerStore.map("ttl", String.class, String.class,
                MapOptions.builder().perEntryTtl(true).build());
        StoreMap<String, String> r = reader("ttl");
        w.put("short", "v", Duration.ofMillis(300));
        long deadline = System.currentTimeMillis() + 300;
        w.put("long", "v", Duration.ofHours(1));
        String early = r.get("short");
        if (System.currentTimeMillis() < deadline - 50) { // a slow machine may reach the deadline first
            assertEquals("v", early);
        }
        nearHit(r, "ttl", "long", "v");
        while (System.currentTimeMillis() <= deadline) {
            Thread.onSpinWait(); // time passing is the condition: nothing else makes the entry expire
        }
        assertNull(r.get("short"), "the near copy outlived the entry's deadline");
        assertFalse(r.containsKey("short"));
        assertEquals("v", r.get("long"));
    }

    @Test
    void recordValuesAreDecodedForEachReader() {
        StoreMap<String, Item> w = writerStore.map("items", String.class, Item.class);
        StoreMap<String, Item> r = readerStore.map("items", String.class, Item.class,
                MapOptions.builder().nearCache(10).build());
        w.put("k", new Item("a", 1));
        assertEquals(new Item("a", 1), r.get("k"));
        Item hit = r.get("k");
        assertEquals(new Item("a", 1), hit);
        assertFalse(hit == r.get("k"), "each hit decodes its own object");
        w.put("k", new Item("b", 2));
        assertEquals(new Item("b", 2), r.get("k"));
    }

    record Item(String name, int count) {
    }

    @Test
    void storesWhoseReadsWriteRefuseTheOptionNamingTheFix() {
        writerStore.map("lru", String.class, String.class, MapOptions.builder().maxEntries(100).build());
        writerStore.map("eaa", String.class, String.class,
                MapOptions.builder().ttl(Duration.ofMinutes(1)).expireAfterAccess(true).build());
        for (String name : List.of("lru", "eaa")) {
            ConfigException e = assertThrows(ConfigException.class, () -> reader(name));
            assertTrue(e.getMessage().contains("Leave nearCache unset"), e.getMessage());
            // the fix works: the same store opens without the option
            assertEquals(0, readerStore.map(name, String.class, String.class).size());
        }
    }

    @Test
    void theNearCacheIsASettingOfTheHandleNotOfTheStore() throws Exception {
        StoreMap<String, String> r = reader("setting"); // creates the store with a near cache
        r.put("k", "v");
        assertFalse(Files.readString(dir.resolve("setting").resolve("store.json")).contains("near"),
                "the near cache is not recorded in the store's files");
        readerStore.close();
        try (StateStore plain = StateStore.open(dir)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            plain.bindTo(meters);
            assertEquals("v", plain.map("setting", String.class, String.class).get("k"));
            assertTrue(meters.find("statestore.nearcache.gets").meters().isEmpty(), "no near cache unless asked for");
        }
        readerStore = StateStore.open(dir);
        readerStore.bindTo(registry = new SimpleMeterRegistry());
        nearHit(reader("setting"), "setting", "k", "v"); // an existing store, opened with a near cache
    }

    /**
     * Compact and rebuild need every process detached (near caches go with their handles) and
     * compact makes a new stripe table (versions from zero again): a near cache opened afterwards
     * must still see the store as it is and every later write.
     */
    @Test
    void compactAndRebuildLeaveNearCachesOpenedAfterThemExact() {
        StoreMap<String, String> w = writer("rewritten");
        StoreMap<String, String> r = reader("rewritten");
        w.put("k", "v1");
        nearHit(r, "rewritten", "k", "v1");
        int version = 2;
        for (String step : List.of("compact", "rebuild")) {
            w.put("k", "v" + version);
            assertEquals("v" + version, r.get("k"));
            readerStore.close();
            writerStore.close();
            try (StateStore admin = StateStore.open(dir)) {
                if (step.equals("compact")) {
                    admin.admin().compact("rewritten", 0);
                } else {
                    admin.admin().rebuild("rewritten");
                }
            }
            writerStore = StateStore.open(dir);
            readerStore = StateStore.open(dir);
            readerStore.bindTo(registry = new SimpleMeterRegistry());
            r = reader("rewritten");
            w = writer("rewritten");
            nearHit(r, "rewritten", "k", "v" + version);
            version++;
            w.put("k", "v" + version);
            assertEquals("v" + version, r.get("k"), "after " + step);
            version++;
        }
    }

    @Test
    void aLaterMapCallAskingForAnotherNearCacheIsRefused() {
        reader("twice");
        assertEquals(0, readerStore.map("twice", String.class, String.class).size(), "no option: the open handle");
        ConfigException e = assertThrows(ConfigException.class, () -> readerStore.map("twice", String.class, String.class,
                MapOptions.builder().nearCache(5).build()));
        assertTrue(e.getMessage().contains("ask for the same nearCache in every call"), e.getMessage());
        assertEquals(0, reader("twice").size(), "the same nearCache: the open handle");
    }

    @Test
    void aChangeFinishedByCrashRepairIsSeen() {
        StoreMap<String, String> w = writer("crash");
        StoreMap<String, String> r = reader("crash");
        w.put("k", "before");
        nearHit(r, "crash", "k", "before");
        // the child bumps k's stripe, journals k=journaled and halts before the map changes, holding the stripe
        try (ChildJvm child = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterJournal=true"),
                dir, "put", "crash", "k", "journaled")) {
            assertEquals(137, child.waitFor(LINE), "the fault point did not halt the writer: " + child.stderr());
        }
        assertEquals("journaled", r.get("k"), "the reader's copy was used though a writer had died changing it");
        assertTrue(readerStore.admin().verify("crash").clean());
    }

    /**
     * A takeover cannot know which key the dead writer was changing: it bumps the versions' epoch,
     * so every copy misses once (here a key the dead writer never touched), and is kept again by
     * the read that missed.
     */
    @Test
    void aTakeoverBumpsTheEpochAndEveryCopyMissesOnce() {
        StoreMap<String, String> w = writer("epoch");
        StoreMap<String, String> r = reader("epoch");
        w.put("k", "before");
        w.put("other", "untouched");
        nearHit(r, "epoch", "k", "before");
        nearHit(r, "epoch", "other", "untouched");
        long epoch = ((dev.statestore.internal.map.ChronicleStoreMap<?, ?, ?, ?>) r).versions().epoch();
        try (ChildJvm child = ChildJvm.cliWithJvmOptions(List.of("-Dstatestore.faults.haltAfterJournal=true"),
                dir, "put", "epoch", "k", "journaled")) {
            assertEquals(137, child.waitFor(LINE), "the fault point did not halt the writer: " + child.stderr());
        }
        assertEquals("journaled", r.get("k")); // takes k's stripe over from the dead writer
        assertEquals(epoch + 1, ((dev.statestore.internal.map.ChronicleStoreMap<?, ?, ?, ?>) r).versions().epoch());
        double misses = nearGets("epoch", "miss");
        assertEquals("untouched", r.get("other"));
        assertEquals(misses + 1, nearGets("epoch", "miss"), "a copy was used across a takeover");
        nearHit(r, "epoch", "other", "untouched");
    }

    /**
     * The bound holds however many keys are read, every read stays exact, and keys read again
     * before the bound's worth of other keys has been read stay near (20 hot keys and 30 others
     * between two reads of each, for 64 kept).
     */
    @Test
    void theBoundHoldsAndKeysReadOftenStayNear() {
        StoreMap<String, String> w = writer("bound");
        StoreMap<String, String> r = readerStore.map("bound", String.class, String.class,
                MapOptions.builder().nearCache(64).build());
        for (int i = 0; i < 620; i++) {
            w.put("k" + i, "v" + i);
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, r.get("k" + i)); // hot: 20 keys, read every round
            }
            for (int i = 20 + round * 30; i < 50 + round * 30; i++) {
                assertEquals("v" + i, r.get("k" + i)); // cold: each read once
            }
            assertTrue(nearSize("bound") <= 64, "holds " + nearSize("bound"));
        }
        double hits = nearGets("bound", "hit");
        for (int i = 0; i < 20; i++) {
            assertEquals("v" + i, r.get("k" + i));
        }
        assertTrue(nearGets("bound", "hit") - hits >= 15, (nearGets("bound", "hit") - hits) + " of 20 hot keys near");
    }

    private double nearSize(String name) {
        return registry.get("statestore.nearcache.size").tag("cache", name).gauge().value();
    }

    /**
     * A put through the handle with the near cache brings its copy up to date (the next read is a
     * hit of the new value; the array the caller put and changed afterwards is not what is kept);
     * a key put there and never read takes no room; another handle's put still ends the copy.
     */
    @Test
    void aPutThroughTheNearHandleKeepsItsCopyCurrent() {
        StoreMap<String, byte[]> w = writerStore.map("through", String.class, byte[].class);
        StoreMap<String, byte[]> r = readerStore.map("through", String.class, byte[].class,
                MapOptions.builder().nearCache(10).build());
        r.put("k", new byte[] {1});
        r.put("unread", new byte[] {7});
        assertArrayEquals(new byte[] {1}, r.get("k")); // a miss: put, never read, so not near yet
        assertEquals(1.0, nearSize("through"), "a key put and not read takes no room");
        byte[] put = {2};
        r.put("k", put);
        put[0] = 9; // the caller's array, changed after the put
        double hits = nearGets("through", "hit");
        assertArrayEquals(new byte[] {2}, r.get("k"));
        assertEquals(hits + 1, nearGets("through", "hit"), "the put kept the copy current");
        w.put("k", new byte[] {3});
        assertArrayEquals(new byte[] {3}, r.get("k"), "another handle's put ends the copy");
    }
}
