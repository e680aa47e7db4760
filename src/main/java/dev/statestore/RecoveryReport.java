package dev.statestore;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code recover} found and fixed in one store.
 *
 * @param store store name
 * @param deadProcesses process slots of dead processes freed
 * @param stripesTakenOver lock stripes taken over from dead processes (their changes finished)
 * @param mapRepaired whether Chronicle Map's full recovery ran (only when no other process was attached)
 * @param othersAttached live processes attached besides this one
 * @param mended the differences between map and journal that were found while every stripe was held
 *     and mended by setting the map to the journal's state, or null when a first comparison found none
 * @param verify the comparison of map and journal afterwards, or null without a journal
 */
public record RecoveryReport(String store, int deadProcesses, int stripesTakenOver, boolean mapRepaired,
                             List<StoreInfo.AttachedProcess> othersAttached, VerifyReport mended, VerifyReport verify) {

    /** Whether the store is sound after the repair. */
    public boolean clean() {
        return verify == null || verify.clean();
    }

    /** Lines for people. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("store '" + store + "':");
        lines.add("  dead processes freed from the process table: " + deadProcesses);
        lines.add("  lock stripes taken over from dead processes: " + stripesTakenOver
                + (stripesTakenOver > 0 ? " (their changes in flight finished from the journal)" : ""));
        if (mapRepaired) {
            lines.add("  map file: checked and repaired with Chronicle Map's recovery (no other process was attached)");
        } else if (othersAttached.isEmpty()) {
            lines.add("  map file: no crash since the last repair, nothing to do");
        } else {
            lines.add("  map file: " + othersAttached.size() + " other process(es) attached ("
                    + othersAttached.stream().map(p -> Long.toString(p.pid())).distinct().reduce((a, b) -> a + "," + b).orElse("")
                    + "); the full file check runs when the store is next opened with none attached");
        }
        if (mended != null && !mended.clean()) {
            lines.add("  map set to the journal's state for " + (mended.missing() + mended.unexpected() + mended.different())
                    + " key(s): " + mended.missing() + " missing, " + mended.unexpected() + " not in the journal, "
                    + mended.different() + " differing" + (mended.examples().isEmpty() ? ""
                    : " (e.g. " + String.join(", ", mended.examples()) + ")"));
        }
        lines.add("  " + (verify == null ? "journal: none (store created with journal=false)" : verify.summary()));
        return lines;
    }
}
