package dev.statestore.internal.cache;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapEntryOperations;

/**
 * The entry operations of a store with expiry or a bound but without journal: Chronicle Map's own,
 * after telling {@link DeadlineMarks} of each value written. (A journaled store's
 * {@code JournalingEntryOperations} tells it too.) Such stores read through query contexts, so
 * entry operations cost them no fast read path.
 */
public final class DeadlineEntryOperations implements MapEntryOperations<Object, byte[], Void> {
    private final DeadlineMarks marks;

    public DeadlineEntryOperations(DeadlineMarks marks) {
        this.marks = marks;
    }

    @Override
    public Void replaceValue(MapEntry<Object, byte[]> entry, Data<byte[]> newValue) {
        marks.accept(entry.context(), newValue);
        entry.doReplaceValue(newValue);
        return null;
    }

    @Override
    public Void insert(MapAbsentEntry<Object, byte[]> absentEntry, Data<byte[]> value) {
        marks.accept(absentEntry.context(), value);
        absentEntry.doInsert(value);
        return null;
    }
}
