package dev.statestore;

import java.time.Instant;

/**
 * One change of a store, as its journal recorded it.
 *
 * @param sequence the journal index: increasing in journal order, usable with {@link Position#after(long)}
 * @param timeNanos wall-clock time of the change, in nanoseconds since the epoch
 * @param type what happened
 * @param key the key changed
 * @param value the new value for {@link ChangeType#PUT}; null for removals
 * @param writerPid the process that made the change
 * @param <K> key type
 * @param <V> value type
 */
public record ChangeEvent<K, V>(long sequence, long timeNanos, ChangeType type, K key, V value, long writerPid) {

    /** {@link #timeNanos()} as an {@link Instant}. */
    public Instant time() {
        return Instant.ofEpochSecond(timeNanos / 1_000_000_000L, timeNanos % 1_000_000_000L);
    }
}
