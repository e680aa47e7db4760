package dev.statestore;

import java.util.List;

/**
 * What {@code verify} found comparing a store's map with the replay of its journal.
 *
 * @param store store name
 * @param journalEvents events replayed
 * @param mapEntries entries in the map
 * @param missing keys the journal has and the map lacks
 * @param unexpected keys the map has and the journal lacks
 * @param different keys whose values differ
 * @param examples a few of the differing keys, rendered for people
 */
public record VerifyReport(String store, long journalEvents, long mapEntries, long missing, long unexpected,
                           long different, List<String> examples) {

    public boolean clean() {
        return missing == 0 && unexpected == 0 && different == 0;
    }

    /** One line for people. */
    public String summary() {
        if (clean()) {
            return "store '" + store + "': map and journal agree (" + mapEntries + " entries, " + journalEvents
                    + " journal events replayed)";
        }
        return "store '" + store + "': map and journal DISAGREE: " + missing + " key(s) missing from the map, "
                + unexpected + " key(s) in the map but not in the journal, " + different + " value(s) differ"
                + (examples.isEmpty() ? "" : "; e.g. " + String.join(", ", examples));
    }
}
