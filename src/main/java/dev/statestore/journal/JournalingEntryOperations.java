package dev.statestore.journal;

import dev.statestore.ChangeType;
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
 * the map lacks, never a change the journal lacks; crash repair finishes it.
 */
public final class JournalingEntryOperations<K, V> implements MapEntryOperations<K, V, Void> {
    private final Journal journal;

    public JournalingEntryOperations(Journal journal) {
        this.journal = journal;
    }

    @Override
    public Void remove(MapEntry<K, V> entry) {
        writeLock(entry.context());
        journal.append(ChangeCause.removal(), entry.key(), null);
        entry.doRemove();
        return null;
    }

    @Override
    public Void replaceValue(MapEntry<K, V> entry, Data<V> newValue) {
        writeLock(entry.context());
        journal.append(ChangeType.PUT, entry.key(), newValue);
        entry.doReplaceValue(newValue);
        return null;
    }

    @Override
    public Void insert(MapAbsentEntry<K, V> absentEntry, Data<V> value) {
        writeLock(absentEntry.context());
        journal.append(ChangeType.PUT, absentEntry.absentKey(), value);
        absentEntry.doInsert(value);
        return null;
    }

    private static void writeLock(Object context) {
        if (context instanceof SegmentLock) {
            ((SegmentLock) context).writeLock().lock();
        }
    }
}
