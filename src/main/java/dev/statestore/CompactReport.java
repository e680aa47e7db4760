package dev.statestore;

/**
 * What {@code compact} did.
 *
 * @param store store name
 * @param entries entries copied into the new map file
 * @param oldSizedFor / newSizedFor the {@code entries} sizing before and after
 * @param oldFileBytes / newFileBytes the map file's size on disk before and after
 */
public record CompactReport(String store, long entries, long oldSizedFor, long newSizedFor, long oldFileBytes,
                            long newFileBytes) {

    public String summary() {
        return "store '" + store + "': rewrote " + entries + " entries into a map file sized for " + newSizedFor
                + " entries (was " + oldSizedFor + "); map file " + oldFileBytes + " -> " + newFileBytes + " bytes on disk";
    }
}
