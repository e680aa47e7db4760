package dev.statestore.internal.admin;

import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.map.Conversion;
import dev.statestore.internal.journal.Journal;
import dev.statestore.internal.journal.RawEvent;
import dev.statestore.internal.lock.StripeContext;
import dev.statestore.internal.lock.StripeTable;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What runs when this process takes a stripe over from a dead owner (see {@link StripeTable}):
 * <ol>
 *   <li>Chronicle Map's lock of the stripe's segment is reset. Only the owner of a stripe ever
 *   takes that lock, so whatever it holds is the dead owner's: no live process is affected.</li>
 *   <li>The change the dead owner was making, if its journal entry was committed, is applied to
 *   the map (without journaling it again), so the map and the journal agree. A change whose
 *   journal entry was not committed never happened: Chronicle Queue discards the entry.</li>
 * </ol>
 */
public final class CrashRepair<KS, VS> implements StripeTable.Repair {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRepair.class);

    private final String store;
    private final ChronicleMap<KS, VS> map;
    private final Journal journal;
    private final Conversion<?, KS> keys;
    private final Conversion<?, VS> values;
    private final LongAdder finished = new LongAdder();

    public CrashRepair(String store, ChronicleMap<KS, VS> map, Journal journal, Conversion<?, KS> keys, Conversion<?, VS> values) {
        this.store = store;
        this.map = map;
        this.journal = journal;
        this.keys = keys;
        this.values = values;
    }

    @Override
    public void repair(int stripe, long inFlightSequence, int ownerSlot) {
        ChronicleMapInternals.resetSegmentLock(map, stripe);
        if (inFlightSequence < 0 || journal == null) {
            LOG.warn("store '{}': took over stripe {} from a dead process; no change was in flight", store, stripe);
            return;
        }
        List<RawEvent> events = journal.readAt(inFlightSequence, ownerSlot).stream().filter(e -> e.stripe() == stripe).toList();
        if (events.isEmpty()) {
            LOG.warn("store '{}': took over stripe {} from a dead process; its change {} was never committed to the"
                    + " journal, so it did not happen", store, stripe, inFlightSequence);
            return;
        }
        for (RawEvent event : events) {
            applyJournaled(event.key(), event.value());
        }
        finished.increment();
        LOG.warn("store '{}': took over stripe {} from dead process {} and finished its change of {} key(s) (journal"
                + " sequence {})", store, stripe, events.get(0).writerPid(), events.size(), inFlightSequence);
    }

    /**
     * Sets the map's entry of {@code key} to what the journal already says, {@code value} (null: no
     * entry), without journaling it again. The caller holds the key's stripe.
     */
    void applyJournaled(byte[] key, byte[] value) {
        StripeContext context = StripeContext.current();
        context.replaying(true);
        try {
            apply(keys.storedFromBytes(key), value == null ? null : values.storedFromBytes(value));
        } finally {
            context.replaying(false);
        }
    }

    /**
     * Sets {@code key} to {@code value} (null: removes it) without reading the entry's current
     * value: the dead writer may have been killed while writing it, so it may not decode (a
     * half-written String fails with a UTF error), and {@code map.put} / {@code map.remove} would
     * decode it to return it. The key is only located, and the value overwritten or the entry freed.
     */
    private void apply(KS key, VS value) {
        try (ExternalMapQueryContext<KS, VS, ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<KS, VS> entry = c.entry();
            if (value == null) {
                if (entry != null) {
                    c.remove(entry);
                }
            } else if (entry != null) {
                c.replaceValue(entry, c.wrapValueAsData(value));
            } else {
                c.insert(c.absentEntry(), c.wrapValueAsData(value));
            }
        }
    }

    /** Dead writers' changes finished by this process. */
    long finished() {
        return finished.sum();
    }
}
