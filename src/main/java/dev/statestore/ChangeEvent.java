package dev.statestore;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a store, as its journal recorded it.
 *
 * @param sequence the journal index: increasing in journal order, usable with {@link Position#after(long)}
 * @param timeNanos wall-clock time of the change, in nanoseconds since the epoch
 * @param type what happened
 * @param key the key changed
 * @param value the new value for {@link ChangeType#PUT}; null for removals
 * @param writerPid the process that made the change
 * @param origin where a change replicated from another host was first made; null for a change made
 *     on this host (see the README, "Several hosts")
 * @param <K> key type
 * @param <V> value type
 */
public record ChangeEvent<K, V>(long sequence, long timeNanos, ChangeType type, K key, V value, long writerPid,
                                Origin origin) {

    /** A change made on this host (no {@link #origin()}). */
    public ChangeEvent(long sequence, long timeNanos, ChangeType type, K key, V value, long writerPid) {
        this(sequence, timeNanos, type, key, value, writerPid, null);
    }

    /** {@link #timeNanos()} as an {@link Instant}. */
    public Instant time() {
        return Instant.ofEpochSecond(timeNanos / 1_000_000_000L, timeNanos % 1_000_000_000L);
    }

    /** Whether the change was replicated in from another host's journal (and is therefore not shipped again). */
    public boolean replicated() {
        return origin != null;
    }

    /**
     * The host a replicated change was made on, and its sequence in that host's journal.
     *
     * @param host the origin's host id ({@code replication.hostId})
     * @param sequence the change's sequence in the origin's journal
     */
    public record Origin(String host, long sequence) {
        public Origin {
            Objects.requireNonNull(host, "host");
        }
    }
}
