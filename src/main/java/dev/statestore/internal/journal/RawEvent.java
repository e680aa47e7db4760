package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeEvent.Origin;
import dev.statestore.ChangeType;
import dev.statestore.Codec;

/**
 * A journal event as stored: key and value still encoded.
 *
 * @param stripe the key's lock stripe, -1 when written outside one
 * @param value null for removals
 * @param origin where a replicated change was first made; null for a change made on this host
 */
public record RawEvent(long sequence, long timeNanos, ChangeType type, long writerPid, int stripe, byte[] key,
                       byte[] value, Origin origin) {

    /** A change made on this host. */
    public RawEvent(long sequence, long timeNanos, ChangeType type, long writerPid, int stripe, byte[] key, byte[] value) {
        this(sequence, timeNanos, type, writerPid, stripe, key, value, null);
    }

    /** Decodes key and value with the store's codecs. */
    public <K, V> ChangeEvent<K, V> decode(Codec<K> keys, Codec<V> values) {
        return new ChangeEvent<>(sequence, timeNanos, type, keys.decode(key), value == null ? null : values.decode(value),
                writerPid, origin);
    }
}
