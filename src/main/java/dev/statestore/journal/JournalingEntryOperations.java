package dev.statestore.journal;

import dev.statestore.ChangeType;
import dev.statestore.lock.StripeContext;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.SegmentLock;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapEntryOperations;

/**
 * Journals every change of a Chronicle Map, whichever API path made it: Chronicle Map calls these
 * methods for each insert, replace and remove, with the key's segment locked in every process.
 *
 * <p>Each method first upgrades to the segment's write lock, so no reader in any process can see
 * the map between the journal append and the change; then appends the event; then changes the map.
 * The event is written before the change, so a process that dies between the two leaves an event
 * the map lacks, never a change the journal lacks. The event's sequence is recorded in the held
 * stripe before the journal entry is committed and cleared once the map has changed, so whoever
 * takes the stripe over from a dead writer knows which change to finish (see StripeTable).
 */
public final class JournalingEntryOperations<K, V> implements MapEntryOperations<K, V, Void> {
    private static final long NONE = -1L;
    private final Journal journal;

    public JournalingEntryOperations(Journal journal) {
        this.journal = journal;
    }

    @Override
    public Void remove(MapEntry<K, V> entry) {
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            entry.doRemove();
            return null;
        }
        writeLock(entry.context());
        journal.append(ChangeCause.removal(), entry.key(), null, stripe);
        entry.doRemove();
        stripe.inFlight(NONE);
        return null;
    }

    @Override
    public Void replaceValue(MapEntry<K, V> entry, Data<V> newValue) {
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            entry.doReplaceValue(newValue);
            return null;
        }
        writeLock(entry.context());
        journal.append(ChangeType.PUT, entry.key(), newValue, stripe);
        entry.doReplaceValue(newValue);
        stripe.inFlight(NONE);
        return null;
    }

    @Override
    public Void insert(MapAbsentEntry<K, V> absentEntry, Data<V> value) {
        StripeContext stripe = StripeContext.current();
        if (stripe.replaying()) {
            absentEntry.doInsert(value);
            return null;
        }
        writeLock(absentEntry.context());
        journal.append(ChangeType.PUT, absentEntry.absentKey(), value, stripe);
        absentEntry.doInsert(value);
        stripe.inFlight(NONE);
        return null;
    }

    private static void writeLock(Object context) {
        if (context instanceof SegmentLock) {
            ((SegmentLock) context).writeLock().lock();
        }
    }
}
