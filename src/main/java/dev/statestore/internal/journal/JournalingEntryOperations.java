package dev.statestore.internal.journal;

import dev.statestore.ChangeType;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.lock.VersionBumps;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapEntryOperations;

import java.util.function.BiConsumer;

/**
 * Journals every change of a Chronicle Map, whichever API path made it: Chronicle Map calls these
 * methods for each insert, replace and remove, with the key's segment locked in every process.
 *
 * <p>Each method first bumps the stripe's version ({@link VersionBumps}: near caches of every
 * process then stop using their copies of the segment's values), replays included; then
 * upgrades to the segment's write lock, so no reader in any process can see the map between the
 * journal append and the change; then appends the event; then changes the map.
 * The event is written before the change, so a process that dies between the two leaves an event
 * the map lacks, never a change the journal lacks. The event's sequence is recorded in the held
 * stripe before the journal entry is committed and cleared only when the stripe is released, after
 * Chronicle has closed the operation, so whoever takes the stripe over from a dead writer knows
 * which change to finish (see StripeTable). Not sooner: Chronicle stores the entry's checksum when
 * it closes the operation, and its full recovery deletes an entry whose checksum was never stored,
 * so a writer killed between the change and the close must have its change applied again. When
 * Chronicle refuses the change after the event was written (store full, entry too large), a
 * compensating event restoring the key's previous state is appended before the error propagates,
 * so replaying the journal still yields the map.
 */
public final class JournalingEntryOperations<K, V> implements MapEntryOperations<K, V, Void> {
    /**
     * Fault injection for crash tests: with {@code -Dstatestore.faults.haltAfterJournal=true} the
     * process halts (as abruptly as kill -9) right after a change's journal entry is committed and
     * before the map changes: the one instant at which a crash leaves the journal ahead of the map.
     */
    private static final boolean HALT_AFTER_JOURNAL = Boolean.getBoolean("statestore.faults.haltAfterJournal");
    /**
     * Fault injection for crash tests: with {@code -Dstatestore.faults.haltAfterMapChange=true} the
     * process halts right after the map changed, before Chronicle closes the operation (and stores
     * the entry's checksum).
     */
    private static final boolean HALT_AFTER_MAP_CHANGE = Boolean.getBoolean("statestore.faults.haltAfterMapChange");
    private final Journal journal;
    private final VersionBumps bumps;
    /** Told of every value written, with its Chronicle context, before anything else but the bump (null: nobody). */
    private final BiConsumer<Object, Data<?>> written;

    /** {@code written} is told of every value inserted or replaced, replays included. */
    public JournalingEntryOperations(Journal journal, VersionBumps bumps, BiConsumer<Object, Data<?>> written) {
        this.journal = journal;
        this.bumps = bumps;
        this.written = written;
    }

    @Override
    public Void remove(MapEntry<K, V> entry) {
        bumps.beforeChange(entry.context(), entry.key());
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            entry.doRemove();
            return null;
        }
        writeLock(entry.context());
        journal.append(ChangeCause.removal(), entry.key(), null, stripe);
        haltIfInjected(HALT_AFTER_JOURNAL);
        try {
            entry.doRemove();
            haltIfInjected(HALT_AFTER_MAP_CHANGE);
        } catch (RuntimeException | Error e) {
            journal.append(ChangeType.PUT, entry.key(), entry.value(), stripe);
            throw e;
        }
        return null;
    }

    @Override
    public Void replaceValue(MapEntry<K, V> entry, Data<V> newValue) {
        bumps.beforeChange(entry.context(), entry.key());
        if (written != null) {
            written.accept(entry.context(), newValue);
        }
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            entry.doReplaceValue(newValue);
            return null;
        }
        writeLock(entry.context());
        journal.append(ChangeType.PUT, entry.key(), newValue, stripe);
        haltIfInjected(HALT_AFTER_JOURNAL);
        try {
            entry.doReplaceValue(newValue);
            haltIfInjected(HALT_AFTER_MAP_CHANGE);
        } catch (RuntimeException | Error e) {
            // refused (store full, entry too large): the journal must not keep a change that did not happen
            journal.append(ChangeType.PUT, entry.key(), entry.value(), stripe);
            throw e;
        }
        return null;
    }

    @Override
    public Void insert(MapAbsentEntry<K, V> absentEntry, Data<V> value) {
        bumps.beforeChange(absentEntry.context(), absentEntry.absentKey());
        if (written != null) {
            written.accept(absentEntry.context(), value);
        }
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            absentEntry.doInsert(value);
            return null;
        }
        writeLock(absentEntry.context());
        journal.append(ChangeType.PUT, absentEntry.absentKey(), value, stripe);
        haltIfInjected(HALT_AFTER_JOURNAL);
        try {
            absentEntry.doInsert(value);
            haltIfInjected(HALT_AFTER_MAP_CHANGE);
        } catch (RuntimeException | Error e) {
            // refused (store full, entry too large): record that the key is still absent
            journal.append(ChangeType.REMOVE, absentEntry.absentKey(), null, stripe);
            throw e;
        }
        return null;
    }

    private static void haltIfInjected(boolean fault) {
        if (fault) {
            Runtime.getRuntime().halt(137);
        }
    }

    private static void writeLock(Object context) {
        if (context instanceof SegmentLock) {
            ((SegmentLock) context).writeLock().lock();
        }
    }
}
