package dev.statestore;

import java.util.Map;

/**
 * The map a {@link StoreMap#atomically} action sees: the chosen keys only, read once under their
 * stripes, every change buffered until the action returns and then journaled as one entry.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface AtomicMap<K, V> extends Map<K, V> {

    /**
     * Removes {@code key} because it expired: the change is journaled, and heard by subscribers, as
     * {@link ChangeType#EXPIRE} instead of {@link ChangeType#REMOVE}. For callers that keep
     * deadlines of their own in the values (the JCache provider: its listeners in other processes
     * must hear an expiry as such); the store's own time to live needs no call. Like the store's own
     * expiries, it is not replicated to other hosts: use it for an entry that every host finds
     * expired by itself (a deadline kept in the value), else the hosts' stores diverge.
     *
     * @return the value removed, or null when there was none (then nothing is journaled)
     * @throws IllegalArgumentException when {@code key} is not one of the keys given to {@code atomically}
     */
    V expire(K key);
}
