package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeType;
import dev.statestore.IncompatibleFormatException;
import dev.statestore.Position;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import dev.statestore.VerifyReport;
import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.platform.FileModes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store whose journal was written before writers had queues of their own (store format 3: one
 * Chronicle Queue in {@code journal/}, events of layout 1 whose sequence is their Chronicle index)
 * is moved to format 4 by the first process that opens it alone: its old events are read first,
 * with the sequences readers knew them by, and new events follow with larger ones.
 */
class LegacyJournalTest {
    @TempDir
    Path data;

    @Test
    void aFormatThreeJournalIsReadFirstAndNewEventsFollowIt() throws Exception {
        List<Long> legacy = makeFormatThreeStore("old", "alpha", "beta", "gamma");
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> map = store.map("old", String.class, String.class);
            assertEquals(4, formatOf("old"), "moved to format 4 on open");
            map.put("delta", "4");
            map.remove("alpha");
            List<ChangeEvent<String, String>> all = collect(map, Position.START, 5);
            assertEquals(legacy, all.subList(0, 3).stream().map(ChangeEvent::sequence).toList(),
                    "old events keep the sequences readers knew them by");
            assertEquals(List.of("alpha", "beta", "gamma", "delta", "alpha"), all.stream().map(ChangeEvent::key).toList());
            assertTrue(all.get(3).sequence() > legacy.get(2), "new sequences follow the old ones");
            assertEquals(all.get(3).sequence() + 1, all.get(4).sequence());

            // a position inside the old journal (a named subscription or tail --from) reads on into the new one
            List<ChangeEvent<String, String>> after = collect(map, Position.after(legacy.get(1)), 3);
            assertEquals(List.of("gamma", "delta", "alpha"), after.stream().map(ChangeEvent::key).toList());

            VerifyReport report = store.admin().verify("old");
            assertTrue(report.clean(), report.summary());
            assertEquals(5, report.journalEvents());
        }
        try (StateStore store = StateStore.open(data)) { // and again, as format 4
            StoreMap<String, String> map = store.map("old", String.class, String.class);
            assertEquals(java.util.Set.of("beta", "gamma", "delta"), new java.util.HashSet<>(map.keySet()));
            assertTrue(store.admin().verify("old").clean());
        }
    }

    @Test
    void aFormatThreeStoreAttachedByAnotherProcessIsNotMovedAndSaysWhatToDo() throws Exception {
        makeFormatThreeStore("busy", "alpha");
        ProcessTable processes = ProcessTable.openOrCreate("busy", data.resolve("busy"), new FileModes(false));
        int slot = processes.claim(); // a process of the earlier version, attached (this JVM stands in for it)
        try (StateStore store = StateStore.open(data)) {
            IncompatibleFormatException e = assertThrows(IncompatibleFormatException.class,
                    () -> store.map("busy", String.class, String.class));
            assertTrue(e.getMessage().contains("stop them, then open it again"), e.getMessage());
        } finally {
            processes.release(slot);
        }
        assertEquals(3, formatOf("busy"), "not moved while another process may append to the old queue");
        try (StateStore store = StateStore.open(data)) { // that process gone: it opens
            assertEquals("1", store.map("busy", String.class, String.class).get("alpha"));
            assertEquals(4, formatOf("busy"));
        }
    }

    /**
     * A store of format 3: made by this build, then its journal replaced by a single queue in
     * {@code journal/} holding one layout-1 PUT per key (values "1", "2", ...), as the map holds.
     *
     * @return the Chronicle indices of the events written, their sequences
     */
    private List<Long> makeFormatThreeStore(String name, String... keys) throws IOException {
        try (StateStore store = StateStore.open(data)) {
            StoreMap<String, String> map = store.map(name, String.class, String.class);
            for (int i = 0; i < keys.length; i++) {
                map.put(keys[i], String.valueOf(i + 1));
            }
        }
        Path journal = data.resolve(name).resolve(Journal.DIR_NAME);
        deleteTree(journal);
        Files.createDirectories(journal);
        List<Long> indices = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journal).rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender appender = queue.createAppender()) {
            for (int i = 0; i < keys.length; i++) {
                byte[] key = keys[i].getBytes(StandardCharsets.UTF_8);
                byte[] value = String.valueOf(i + 1).getBytes(StandardCharsets.UTF_8);
                ByteBuffer event = ByteBuffer.allocate(28 + key.length + value.length).order(ByteOrder.LITTLE_ENDIAN);
                event.put((byte) 1).put((byte) ChangeType.PUT.code()).putShort((short) 0).putInt(4321)
                        .putLong(System.currentTimeMillis() * 1_000_000L).putInt(-1).putInt(key.length)
                        .putInt(value.length).put(key).put(value);
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(event.array());
                    indices.add(dc.index());
                }
            }
        }
        Path meta = data.resolve(name).resolve("store.json");
        Files.writeString(meta, Files.readString(meta).replaceFirst("\"format\"\\s*:\\s*4", "\"format\" : 3"));
        assertEquals(3, formatOf(name));
        return indices;
    }

    private int formatOf(String name) throws IOException {
        String json = Files.readString(data.resolve(name).resolve("store.json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"format\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }

    private static <K, V> List<ChangeEvent<K, V>> collect(StoreMap<K, V> m, Position p, int n) throws InterruptedException {
        BlockingQueue<ChangeEvent<K, V>> q = new LinkedBlockingQueue<>();
        List<ChangeEvent<K, V>> out = new ArrayList<>();
        try (Subscription s = m.subscribe(p, q::add)) {
            while (out.size() < n) {
                ChangeEvent<K, V> e = q.poll(30, TimeUnit.SECONDS);
                assertNotNull(e, "only " + out.size() + " of " + n + " events arrived: " + out);
                out.add(e);
            }
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
