package dev.statestore;

/**
 * What operators and the agent do to the stores of one data directory: check a store against its
 * journal, repair what crashed processes left, checkpoint, rebuild and compact its map file, read
 * its figures, sweep its expired entries. Reached through {@link StateStore#admin()}; the command
 * line's {@code verify}, {@code recover}, {@code checkpoint}, {@code rebuild}, {@code compact} and
 * {@code stats} are thin layers over these methods.
 *
 * <pre>{@code
 * try (StateStore store = StateStore.open(Path.of("data"))) {
 *     VerifyReport report = store.admin().verify("sessions");
 *     System.out.println(report.summary());
 * }
 * }</pre>
 *
 * <p>Methods that name a store attach it if this {@link StateStore} has not yet (with the codecs
 * its metadata names), except {@link #recover}, {@link #rebuild} and {@link #compact}, which need
 * it not attached by this {@link StateStore}.
 */
public interface StoreAdmin {

    /**
     * Replays the journal of store {@code name} and compares it with the map.
     *
     * @throws StoreNotFoundException when there is no such store
     * @throws IllegalStateException when the store has no journal
     */
    VerifyReport verify(String name);

    /**
     * Repairs what crashed processes left in store {@code name}, while other processes may stay
     * attached: frees the process slots of dead processes, takes over the stripes they held
     * (finishing their changes in flight from the journal), repairs the map file with Chronicle's
     * recovery when no other process is attached, and compares the map with the journal.
     *
     * @throws StoreNotFoundException when there is no such store
     * @throws IllegalStateException when this {@link StateStore} has already attached the store
     */
    RecoveryReport recover(String name);

    /**
     * Takes a checkpoint of store {@code name}: a snapshot of the map consistent with the journal's
     * last sequence, taken while every stripe is held (writers in every process pause for the
     * copy). Then applies the store's journal retention: cycles older than its retention (or beyond
     * its size limit) are deleted if the checkpoint covers them and every named subscription has
     * read them.
     *
     * @throws StoreNotFoundException when there is no such store
     * @throws IllegalStateException when the store has no journal
     */
    CheckpointReport checkpoint(String name);

    /**
     * Recreates the map file of store {@code name} from its latest checkpoint and the journal after
     * it, into a new file that then replaces the old one (kept beside it). No process may be
     * attached: a process would go on using the old file.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    RebuildReport rebuild(String name);

    /**
     * Rewrites the map file of store {@code name} sized for {@code entries} (0: its live entries
     * plus a quarter, at least 1,000), with the same content, and records the new sizing in its
     * store.json. No process may be attached (they would keep the old file mapped): stop them first.
     * The journal is untouched: map and journal still agree.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    CompactReport compact(String name, long entries);

    /**
     * What is true of store {@code name} as a whole, read from its shared files (attaching it if
     * needed): entries, capacity, file bytes, attached processes (dead ones are reaped on the way),
     * lock takeovers by any process, the journal and its named subscriptions.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    StoreStats stats(String name);

    /**
     * Removes the expired entries of store {@code name} now, if this process holds the store's
     * sweeper lease or can take it (one process at a time sweeps a store). Each removal is journaled
     * as {@link ChangeType#EXPIRE}. The agent calls this; without an agent, a thread of every
     * attached process tries it once a second.
     *
     * @return entries removed, 0 for a store without expiry, -1 when another process holds the lease
     * @throws StoreNotFoundException when there is no such store
     */
    long sweepExpired(String name);

    /**
     * Bytes the entries of store {@code name} occupy in its map file: the chunks Chronicle Map
     * allocated for them (key, value, Chronicle's size fields and checksum), what
     * {@link MapOptions.Builder#maxBytes} bounds. Counted a segment at a time under its stripe.
     *
     * @throws StoreNotFoundException when there is no such store
     */
    long entryBytes(String name);
}
