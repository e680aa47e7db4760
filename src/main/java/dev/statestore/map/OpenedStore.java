package dev.statestore.map;

import dev.statestore.registry.ProcessTable;
import dev.statestore.registry.StoreMetadata;

/** One store attached by one {@link DefaultStateStore}: its map, metadata and process slot. */
final class OpenedStore {
    final StoreMetadata metadata;
    final ChronicleStoreMap<?, ?, ?, ?> map;
    final ProcessTable processes;
    final int slot;

    OpenedStore(StoreMetadata metadata, ChronicleStoreMap<?, ?, ?, ?> map, ProcessTable processes, int slot) {
        this.metadata = metadata;
        this.map = map;
        this.processes = processes;
        this.slot = slot;
    }

    void close() {
        try {
            map.chronicle().close();
        } finally {
            processes.release(slot);
            processes.close();
        }
    }
}
