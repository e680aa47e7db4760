package dev.statestore;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code checkpoint} did.
 *
 * @param store store name
 * @param sequence the journal sequence the snapshot is consistent with
 * @param entries entries in the snapshot
 * @param pauseNanos how long writers were held back (every stripe held)
 * @param totalNanos how long the whole checkpoint took
 * @param deletedJournalFiles journal cycles deleted by retention afterwards
 */
public record CheckpointReport(String store, long sequence, long entries, long pauseNanos, long totalNanos,
                               List<Path> deletedJournalFiles) {

    public String summary() {
        return "store '" + store + "': checkpoint of " + entries + " entries at journal sequence " + sequence
                + " (writers paused " + TimeUnit.NANOSECONDS.toMillis(pauseNanos) + " ms); journal retention deleted "
                + deletedJournalFiles.size() + " file(s)";
    }
}
