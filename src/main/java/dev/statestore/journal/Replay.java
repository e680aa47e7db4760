package dev.statestore.journal;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Replays a journal into the map it describes: each PUT sets a key, every removal removes it.
 * Keys and values stay encoded, so replay needs no codec and compares byte for byte.
 */
public final class Replay {
    private Replay() {
    }

    /** The map the journal describes, from its first event through {@code throughSequence}. */
    public static Map<ByteBuffer, byte[]> replay(Journal journal, long throughSequence) {
        Map<ByteBuffer, byte[]> state = new HashMap<>();
        try (JournalReader reader = journal.reader()) {
            for (RawEvent e; (e = reader.next()) != null && e.sequence() <= throughSequence; ) {
                apply(state, e);
            }
        }
        return state;
    }

    static void apply(Map<ByteBuffer, byte[]> state, RawEvent e) {
        if (e.value() != null) {
            state.put(ByteBuffer.wrap(e.key()), e.value());
        } else {
            state.remove(ByteBuffer.wrap(e.key()));
        }
    }
}
