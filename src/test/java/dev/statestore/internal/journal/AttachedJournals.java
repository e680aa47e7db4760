package dev.statestore.internal.journal;

import dev.statestore.internal.files.ProcessTable;
import dev.statestore.internal.platform.FileModes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Journals opened on their own (without a store) and attached to a process slot, so that they take appends. */
final class AttachedJournals {
    private AttachedJournals() {
    }

    /** {@code journal}, attached to a slot this process claims in the process table of {@code storeDir}. */
    static Journal attached(Journal journal, Path storeDir) {
        try {
            journal.attach(ProcessTable.openOrCreate("test", storeDir, new FileModes(false)).claim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return journal;
    }
}
