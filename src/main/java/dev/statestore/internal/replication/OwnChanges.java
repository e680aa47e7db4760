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
 * <p>Kept per store, not per key (no memory per key): {@code appliedThrough}, an upper bound of
 * the local journal sequence of the applier's latest change to the store. An own change of sequence
 * {@code s} is skipped when the applier has changed nothing since the bound was read and
 * {@code s > appliedThrough}: every applied change came before it. The bound starts at the
 * journal's last sequence when the applier attaches the store (changes applied by an earlier run
 * are before it), and is raised after a batch of records ({@link #batchDone}) only when the store
 * has own changes to decide and at most every {@value #RAISE_EVERY_MILLIS} ms: reading the
 * journal's last sequence is a scan of Chronicle Queue's index, and reading it after every polled
 * batch on a host that only receives changes cost more lag than it saved. Being coarse (per store,
 * per read), it errs only towards applying again: a store written on one host at a time skips
 * every own change, a store written on several hosts at once applies many of them again, as before
 * this existed.
 */
final class OwnChanges {
    static final long RAISE_EVERY_MILLIS = 50;

    private final String journalId;
    private final LongSupplier lastSequence;
    private long appliedThrough;
    private boolean appliedSince;
    private boolean ownSeen;
    private long raisedNanos;

    /**
     * @param journalId this host's current journal of the store (own changes of a deleted and
     *     re-created store count in another journal and are applied as any other)
     * @param lastSequence the local journal's last sequence
     */
    OwnChanges(String journalId, LongSupplier lastSequence) {
        this.journalId = journalId;
        this.lastSequence = lastSequence;
        this.appliedThrough = lastSequence.getAsLong();
        this.raisedNanos = System.nanoTime();
    }

    /** Whether the change, from {@code originHost}'s journal {@code journal}, was made on this host ({@code hostId}). */
    boolean mine(String hostId, String originHost, String journal) {
        boolean mine = hostId.equals(originHost) && journalId.equals(journal);
        ownSeen |= mine;
        return mine;
    }

    /** The applier changed the store (a remote change, or an own change applied again). */
    void applied() {
        appliedSince = true;
    }

    /** After a batch of records, at {@code nowNanos}: the bound is raised past what the applier changed, when due. */
    void batchDone(long nowNanos) {
        if (appliedSince && ownSeen && nowNanos - raisedNanos >= RAISE_EVERY_MILLIS * 1_000_000L) {
            appliedThrough = lastSequence.getAsLong();
            appliedSince = false;
            raisedNanos = nowNanos;
        }
    }

    /** Whether this host's own change of journal sequence {@code sequence} is already what it holds. */
    boolean skip(long sequence) {
        return !appliedSince && sequence > appliedThrough;
    }
}
