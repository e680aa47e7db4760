package dev.statestore.internal.replication;

import java.util.function.LongSupplier;

/**
 * Whether a change this host made, coming back from Kafka, must be applied again (one per store,
 * used by the applier's thread only).
 *
 * <p>Convergence (README, "Several hosts"): per key, every host ends with the change with the
 * highest offset in the key's partition. A host's own write {@code w} is in its state from the
 * start. Applying {@code w} again when it comes back matters only if the applier changed the same
 * key after {@code w} was written: such a change {@code r} precedes {@code w} in the partition
 * (the applier goes in partition order and has not reached {@code w}), so without {@code w} again
 * the host would end with {@code r} and the others with {@code w}. If the applier changed nothing
 * since {@code w} was written, the host holds {@code w} or a later local write (whose record
 * comes later and is decided then): {@code w} is skipped, which saves a journal write and a map
 * write per own change.
 *
 * <p>Kept per store, not per key (no memory per key): {@code appliedThrough}, the local journal
 * sequence of the applier's latest change to the store, read after each change it applies from the
 * applier thread's own appender ({@code Journal.lastAppendedByThisThread}, a field read). An own
 * change of sequence {@code s} is skipped when {@code s > appliedThrough}: every change the applier
 * made came before it. It starts at the journal's last sequence when the applier attaches the store
 * (changes applied by an earlier run are before it). Being per store, it errs only towards applying
 * again: a store written on one host at a time skips every own change; on a store written on
 * several hosts at once, an own change is applied again whenever the applier changed any key of the
 * store after it was made, as every own change was before this existed.
 */
final class OwnChanges {
    private final String journalId;
    private final LongSupplier appliedByApplier;
    private long appliedThrough;

    /**
     * @param journalId this host's current journal of the store (own changes of a deleted and
     *     re-created store count in another journal and are applied as any other)
     * @param journalEnd the local journal's last sequence, now
     * @param appliedByApplier the sequence of the newest journal event the applier's thread appended
     */
    OwnChanges(String journalId, long journalEnd, LongSupplier appliedByApplier) {
        this.journalId = journalId;
        this.appliedByApplier = appliedByApplier;
        this.appliedThrough = journalEnd;
    }

    /** Whether the change, from {@code originHost}'s journal {@code journal}, was made on this host ({@code hostId}). */
    boolean mine(String hostId, String originHost, String journal) {
        return hostId.equals(originHost) && journalId.equals(journal);
    }

    /** The applier changed the store (a remote change, or an own change applied again); on the applier's thread. */
    void applied() {
        appliedThrough = Math.max(appliedThrough, appliedByApplier.getAsLong());
    }

    /** Whether this host's own change of journal sequence {@code sequence} is already what it holds. */
    boolean skip(long sequence) {
        return sequence > appliedThrough;
    }
}
