package dev.statestore.internal.cache;

import dev.statestore.internal.lock.StripeTable;
import dev.statestore.internal.chronicle.ChronicleMapInternals;
import net.openhft.chronicle.hash.Data;

import java.util.function.BiConsumer;

/**
 * Tells the sweeper which segments may hold entries with a deadline, so that it passes over only
 * those: a store bounded by size whose entries never expire (the common cache) is otherwise read
 * whole every second, about 12 % of a core for 1M entries (measured with SweeperIdle,
 * BENCHMARKS-HISTORY.md). Called by the store's entry operations for every value Chronicle Map writes, under the
 * key's stripe and segment lock, in whichever process writes it; a value with a deadline marks its
 * segment's stripe ({@link StripeTable#deadlineWritten}). The sweeper clears the mark of a segment
 * it finds without deadlines ({@link StripeTable#noDeadlines}), holding the same stripe, so a mark
 * is never lost between the two. Writers that do not pass through here (another build of
 * statestore on the same files) are caught by the sweeper's periodic full pass.
 */
public final class DeadlineMarks implements BiConsumer<Object, Data<?>> {
    /** Attached once the store's stripe table is open (before any write: the takeover's repairs come after). */
    private volatile StripeTable stripes;

    public void attach(StripeTable table) {
        this.stripes = table;
    }

    @Override
    public void accept(Object context, Data<?> value) {
        StripeTable table = stripes;
        if (table == null || value.size() < StampLayout.HEADER_BYTES) {
            return;
        }
        long deadline = StampLayout.readLong(value.bytes(), value.offset() + StampLayout.DEADLINE_OFFSET);
        if (deadline == StampLayout.NEVER) {
            return;
        }
        int segment = ChronicleMapInternals.segmentOf(context);
        if (segment >= 0) {
            table.deadlineWritten(segment);
        }
    }
}
