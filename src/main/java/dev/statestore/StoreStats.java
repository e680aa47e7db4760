package dev.statestore;

import dev.statestore.StoreInfo.AttachedProcess;

import java.util.List;

/**
 * What is true of one store as a whole, read from its shared files (not this process's counters):
 * what {@code statestore stats} prints and the agent's {@code /health} reports.
 *
 * @param name store name
 * @param keyType codec id of the keys
 * @param valueType codec id of the values
 * @param entries entries held now
 * @param capacity entries the store can hold at most (entries it was sized for times its growth allowance)
 * @param fillRatio entries / capacity, 0.0 to 1.0
 * @param fileBytes apparent size of the store's files (sparse journal files count in full)
 * @param stripes lock stripes (one per Chronicle Map segment)
 * @param lockTakeovers stripes taken over from dead processes, by any process, since the lock table was created
 * @param processDeaths attached processes found dead (their slots reaped) since the process table was created
 * @param attached the live processes attached now
 * @param journal the journal's figures, or null when the store has none
 */
public record StoreStats(String name, String keyType, String valueType, long entries, long capacity, double fillRatio,
                         long fileBytes, int stripes, long lockTakeovers, long processDeaths,
                         List<AttachedProcess> attached, JournalStats journal) {

    /**
     * The journal of a store.
     *
     * @param lastSequence the sequence of the newest event, -1 when empty
     * @param events entries the journal holds (sequences: one per change, or per atomic multi-key change)
     * @param subscriptions the named subscriptions, by name
     */
    public record JournalStats(long lastSequence, long events, List<SubscriptionStats> subscriptions) {
    }

    /**
     * A named subscription.
     *
     * @param name its name
     * @param position the sequence of the last event it delivered, -1 for none yet
     * @param lag journal entries after {@code position}
     */
    public record SubscriptionStats(String name, long position, long lag) {
    }

    /** The distinct PIDs attached (a process may attach several times through several StateStores). */
    public long attachedPids() {
        return attached.stream().mapToLong(AttachedProcess::pid).distinct().count();
    }
}
