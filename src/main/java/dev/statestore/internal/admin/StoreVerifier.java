package dev.statestore.internal.admin;

import dev.statestore.CorruptStoreException;
import dev.statestore.VerifyReport;
import dev.statestore.internal.journal.Checkpoint;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.Replay;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.Conversion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Checks invariant 4: replaying the journal yields exactly the map. Both sides are compared in
 * their encoded form. The map is read segment by segment while writers may run, so run it on a
 * quiet store for an exact answer; changes in flight show up as differences.
 */
public final class StoreVerifier {
    private static final int EXAMPLES = 5;

    private StoreVerifier() {
    }

    public static VerifyReport verify(ChronicleStoreMap<?, ?, ?, ?> store) {
        Journal journal = journalOf(store);
        checkJournalReachesCheckpoint(store, journal);
        Replay.Result replayed = Replay.replay(journal, store.storeDir(), journal.lastSequence());
        return compare(store, replayed, encoded(store), null);
    }

    /**
     * Sets every entry of the map that differs from the replay of the journal to what the journal
     * says (without journaling it again), while every stripe is held: no process changes the map
     * or the journal meanwhile, so the comparison is exact and the mend cannot undo a change made
     * after it. The journal is the record of what was acknowledged; the map follows it.
     *
     * @return the differences found (and mended)
     */
    public static <KS, VS> VerifyReport mend(String name, ChronicleStoreMap<?, ?, KS, VS> store) {
        return mend(store, new CrashRepair<>(name, store.chronicle(), store.journal(), store.keyConversion(),
                store.valueConversion()));
    }

    private static <KS, VS> VerifyReport mend(ChronicleStoreMap<?, ?, KS, VS> store, CrashRepair<KS, VS> repair) {
        Journal journal = journalOf(store);
        checkJournalReachesCheckpoint(store, journal);
        journal.ensureOpen(); // not while every stripe is held
        return store.withAllStripes(() -> {
            Replay.Result replayed = Replay.replay(journal, store.storeDir(), journal.lastSequence());
            Map<ByteBuffer, byte[]> actual = new HashMap<>();
            store.forEachEncodedWhileAllHeld((key, value) -> actual.put(ByteBuffer.wrap(key), value));
            return compare(store, replayed, actual, repair::applyJournaled);
        });
    }

    /**
     * Refuses to compare when the journal ends before its latest checkpoint: journal files were
     * lost, so the journal no longer records everything the map holds, and setting the map to the
     * journal's state (what {@code recover} does for a difference) would undo acknowledged writes.
     */
    private static void checkJournalReachesCheckpoint(ChronicleStoreMap<?, ?, ?, ?> store, Journal journal) {
        Checkpoint latest;
        try {
            latest = Checkpoint.latest(store.storeDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long last = journal.lastReadableSequence();
        // changes were journaled after the checkpoint, and none of them can be read
        if (latest != null && latest.sequence() > last && journal.lastSequence() > latest.sequence()) {
            throw new CorruptStoreException("Store '" + store.name() + "': its journal ends (sequence " + last + ")"
                    + " before its checkpoint " + latest.file() + " (sequence " + latest.sequence() + "): journal files"
                    + " were lost. The map still holds every acknowledged entry: run 'statestore checkpoint "
                    + store.name() + "' to record the map as it is and go on from there");
        }
    }

    private static Journal journalOf(ChronicleStoreMap<?, ?, ?, ?> store) {
        Journal journal = store.journal();
        if (journal == null) {
            throw new IllegalStateException("Store '" + store.name() + "' has no journal (created with journal=false):"
                    + " there is nothing to verify it against");
        }
        return journal;
    }

    /**
     * Compares the replay with the map's encoded entries; tells {@code fix} (when not null) the
     * encoded key and the journal's value (null: no entry) of each difference.
     */
    private static VerifyReport compare(ChronicleStoreMap<?, ?, ?, ?> store, Replay.Result replayed,
                                        Map<ByteBuffer, byte[]> actual, BiConsumer<byte[], byte[]> fix) {
        Map<ByteBuffer, byte[]> expected = replayed.state();
        long missing = 0;
        long different = 0;
        long unexpected = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<ByteBuffer, byte[]> e : expected.entrySet()) {
            byte[] value = actual.get(e.getKey());
            if (value == null) {
                missing++;
                example(examples, "missing " + render(e.getKey()));
            } else if (!Arrays.equals(store.comparable(value), store.comparable(e.getValue()))) {
                different++;
                example(examples, "differs " + render(e.getKey()));
            } else {
                continue;
            }
            if (fix != null) {
                fix.accept(bytes(e.getKey()), e.getValue());
            }
        }
        for (ByteBuffer key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                unexpected++;
                example(examples, "unexpected " + render(key));
                if (fix != null) {
                    fix.accept(bytes(key), null);
                }
            }
        }
        return new VerifyReport(store.name(), replayed.events(), actual.size(), missing, unexpected, different, examples);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<ByteBuffer, byte[]> encoded(ChronicleStoreMap<?, ?, ?, ?> store) {
        Map<ByteBuffer, byte[]> out = new HashMap<>();
        Conversion keys = store.keyConversion();
        Conversion values = store.valueConversion();
        store.forEachStored(e -> out.put(ByteBuffer.wrap(keys.bytesOf(e.getKey())), values.bytesOf(e.getValue())));
        return out;
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }

    private static byte[] bytes(ByteBuffer key) {
        byte[] b = new byte[key.remaining()];
        key.duplicate().get(b);
        return b;
    }

    private static String render(ByteBuffer key) {
        byte[] b = bytes(key);
        String text = new String(b, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD);
        return printable ? "'" + text + "'" : "base64:" + Base64.getEncoder().encodeToString(b);
    }
}
