package dev.statestore;

import java.nio.file.Path;

/**
 * What {@code rebuild} did.
 *
 * @param store store name
 * @param checkpointSequence the checkpoint started from, or -1 (the journal from its start)
 * @param eventsReplayed journal events applied after it
 * @param entries entries in the rebuilt map
 * @param previousMapFile where the replaced map file was kept; null when there was none (it was lost)
 */
public record RebuildReport(String store, long checkpointSequence, long eventsReplayed, long entries,
                            Path previousMapFile) {

    public String summary() {
        return "store '" + store + "': rebuilt " + entries + " entries from "
                + (checkpointSequence >= 0 ? "the checkpoint at sequence " + checkpointSequence : "the start of the journal")
                + " and " + eventsReplayed + " journal event(s) after it; "
                + (previousMapFile != null ? "the previous map file is kept as " + previousMapFile : "there was no map file");
    }
}
