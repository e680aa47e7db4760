package dev.statestore.internal.map;

import dev.statestore.internal.cache.ExpirySweeper;
import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.journal.Journal;

/** One store attached by one {@link DefaultStateStore}: its map, metadata and process slot. */
public final class OpenedStore {
    public final StoreMetadata metadata;
    public final ChronicleStoreMap<?, ?, ?, ?> map;
    public final ProcessTable processes;
    final int slot;
    public final Journal journal;
    /** What opening it found and repaired after crashes. */
    public final StoreOpener.OpenRepairs repairs;
    /** The expiry sweeper of a store with expiry, attached through a {@link DefaultStateStore}; else null. */
    public volatile ExpirySweeper sweeper;

    OpenedStore(StoreMetadata metadata, ChronicleStoreMap<?, ?, ?, ?> map, ProcessTable processes, int slot,
                Journal journal, StoreOpener.OpenRepairs repairs) {
        this.journal = journal;
        this.repairs = repairs;
        this.metadata = metadata;
        this.map = map;
        this.processes = processes;
        this.slot = slot;
    }

    public void close() {
        try {
            ExpirySweeper s = sweeper;
            if (s != null) {
                s.close();
            }
            map.closeSubscriptions();
            if (map.readHandle() != map.chronicle()) {
                map.readHandle().close();
            }
            map.chronicle().close();
        } finally {
            try {
                if (journal != null) {
                    journal.close();
                }
            } finally {
                processes.release(slot);
                processes.close();
            }
        }
    }
}
