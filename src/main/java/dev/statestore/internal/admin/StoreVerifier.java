package dev.statestore.internal.admin;

import dev.statestore.VerifyReport;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.Replay;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.Conversion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        Journal journal = store.journal();
        if (journal == null) {
            throw new IllegalStateException("Store '" + store.name() + "' has no journal (created with journal=false):"
                    + " there is nothing to verify it against");
        }
        long through = journal.lastSequence();
        Replay.Result replayed = Replay.replay(journal, store.storeDir(), through);
        Map<ByteBuffer, byte[]> expected = replayed.state();
        long events = replayed.events();
        Map<ByteBuffer, byte[]> actual = encoded(store);
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
            }
        }
        for (ByteBuffer key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                unexpected++;
                example(examples, "unexpected " + render(key));
            }
        }
        return new VerifyReport(store.name(), events, actual.size(), missing, unexpected, different, examples);
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

    private static String render(ByteBuffer key) {
        byte[] b = new byte[key.remaining()];
        key.duplicate().get(b);
        String text = new String(b, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD);
        return printable ? "'" + text + "'" : "base64:" + Base64.getEncoder().encodeToString(b);
    }
}
