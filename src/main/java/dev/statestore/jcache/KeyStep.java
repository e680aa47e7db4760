package dev.statestore.jcache;

import dev.statestore.ChangeType;

import java.util.Map;

/**
 * What one atomic step on a cache key sees of the store (the key's stripe held in every process):
 * the entries of the step, and whether its removal is an expiry (the step learns that only under
 * the stripe, when it finds the entry's deadline, kept in the {@link CacheValue}, passed).
 */
final class KeyStep {
    private Map<Object, CacheValue> entries;
    private ChangeType removal = ChangeType.REMOVE;

    /** This step over the entries {@code atomically} hands it. */
    KeyStep on(Map<Object, CacheValue> stepEntries) {
        this.entries = stepEntries;
        return this;
    }

    CacheValue get(Object key) {
        return entries.get(key);
    }

    void put(Object key, CacheValue value) {
        entries.put(key, value);
    }

    /** Removes the entry of {@code key}: a removal, journaled as {@link ChangeType#REMOVE}. */
    void remove(Object key) {
        entries.remove(key);
    }

    /** Removes the entry of {@code key} because its deadline passed: journaled as {@link ChangeType#EXPIRE}. */
    void expire(Object key) {
        entries.remove(key);
        removal = ChangeType.EXPIRE;
    }

    /** How the journal records this step's removal (a step changes one key: at most one removal). */
    ChangeType removalType() {
        return removal;
    }
}
