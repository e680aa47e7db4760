package dev.statestore.internal.lock;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapEntryOperations;

import java.util.function.BiConsumer;

/**
 * The entry operations of a store without journal: Chronicle Map's own, after bumping the key's
 * version ({@link VersionBumps}) and telling {@code written} (the deadline marks of a store with
 * expiry, or null) of each value written. A journaled store's {@code JournalingEntryOperations} does
 * both too. Plain stores read through a second handle without entry operations, so these cost no
 * fast read path.
 */
public final class VersionedEntryOperations<K, V> implements MapEntryOperations<K, V, Void> {
    private final VersionBumps bumps;
    private final BiConsumer<Object, Data<?>> written;

    public VersionedEntryOperations(VersionBumps bumps, BiConsumer<Object, Data<?>> written) {
        this.bumps = bumps;
        this.written = written;
    }

    @Override
    public Void remove(MapEntry<K, V> entry) {
        bumps.beforeChange(entry.context(), entry.key());
        entry.doRemove();
        return null;
    }

    @Override
    public Void replaceValue(MapEntry<K, V> entry, Data<V> newValue) {
        bumps.beforeChange(entry.context(), entry.key());
        if (written != null) {
            written.accept(entry.context(), newValue);
        }
        entry.doReplaceValue(newValue);
        return null;
    }

    @Override
    public Void insert(MapAbsentEntry<K, V> absentEntry, Data<V> value) {
        bumps.beforeChange(absentEntry.context(), absentEntry.absentKey());
        if (written != null) {
            written.accept(absentEntry.context(), value);
        }
        absentEntry.doInsert(value);
        return null;
    }
}
