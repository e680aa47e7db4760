package dev.statestore.internal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Replays a journal into the map it describes: the latest sound checkpoint, then each later event
 * (a PUT sets a key, every removal removes it). Keys and values stay encoded, so replay needs no
 * codec and compares byte for byte.
 */
public final class Replay {
    private Replay() {
    }

    /**
     * The map as of {@code throughSequence}.
     *
     * @param state encoded key to encoded value
     * @param checkpointSequence the sequence of the checkpoint started from, or -1
     * @param events journal events replayed after it
     */
    public record Result(Map<ByteBuffer, byte[]> state, long checkpointSequence, long events) {
    }

    /**
     * The map the checkpoint and journal of {@code storeDir} describe, through {@code throughSequence}.
     *
     * @throws dev.statestore.CorruptStoreException when a journal file is unreadable or was set aside
     *     ({@link Journal#checkReadable}): the replay would not be the map acknowledged
     */
    public static Result replay(Journal journal, Path storeDir, long throughSequence) {
        journal.checkReadable();
        Map<ByteBuffer, byte[]> state = new HashMap<>();
        long from = -1;
        try {
            Checkpoint checkpoint = storeDir == null ? null : Checkpoint.latest(storeDir);
            if (checkpoint != null && checkpoint.sequence() <= throughSequence) {
                checkpoint.load(state);
                from = checkpoint.sequence();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long events = 0;
        try (JournalReader reader = journal.reader()) {
            if (from >= 0) {
                reader.positionAfter(from);
            }
            for (RawEvent e; (e = reader.next()) != null && e.sequence() <= throughSequence; ) {
                if (e.sequence() <= from) {
                    continue;
                }
                apply(state, e);
                events++;
            }
        }
        return new Result(state, from, events);
    }

    static void apply(Map<ByteBuffer, byte[]> state, RawEvent e) {
        if (e.value() != null) {
            state.put(ByteBuffer.wrap(e.key()), e.value());
        } else {
            state.remove(ByteBuffer.wrap(e.key()));
        }
    }
}
