package dev.statestore.internal.lock;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The current thread's stripe state: its number in stripe owner words, which stripe of which table
 * it holds while it runs a Chronicle Map operation, and whether it is replaying journaled changes
 * (crash repair), which must not be journaled again. Set by the map around each operation
 * ({@link StripeTable#enter} / {@link StripeTable#exit}); read by the journaling entry operations,
 * which run inside Chronicle and cannot be handed arguments. One thread-local lookup per operation
 * gives all of it.
 *
 * <p>Operations nest when a compute function uses another store (or another segment of the same
 * one): the inner operation's stripe is the held one until it exits, then the outer one is again.
 */
public final class StripeContext {
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    private static final ThreadLocal<StripeContext> CURRENT = ThreadLocal.withInitial(StripeContext::new);

    /** This thread's number, unique within the process, in the owner words of the stripes it holds. */
    final int threadNumber = THREAD_NUMBERS.incrementAndGet();
    private StripeTable table;
    private int stripe = -1;
    private boolean replaying;
    /** Stripes held by the operations this one runs inside, innermost last; rarely used. */
    private StripeTable[] outerTables = new StripeTable[0];
    private int[] outerStripes = new int[0];
    private int outer;

    private StripeContext() {
    }

    public static StripeContext current() {
        return CURRENT.get();
    }

    /** Marks the stripe this thread now holds (inside the operation holding the previous one, if any). */
    void enter(StripeTable table, int stripe) {
        if (this.table != null) {
            if (outer == outerTables.length) {
                outerTables = Arrays.copyOf(outerTables, outer + 4);
                outerStripes = Arrays.copyOf(outerStripes, outer + 4);
            }
            outerTables[outer] = this.table;
            outerStripes[outer++] = this.stripe;
        }
        this.table = table;
        this.stripe = stripe;
    }

    /** Marks that this thread no longer holds the stripe it entered last. */
    void exit() {
        if (outer > 0) {
            outer--;
            table = outerTables[outer];
            stripe = outerStripes[outer];
            outerTables[outer] = null;
        } else {
            table = null;
            stripe = -1;
        }
    }

    /** The stripe the innermost operation holds, or -1. */
    public int stripe() {
        return stripe;
    }

    /** Records the journal sequence of the change in flight on the held stripe (no-op when none is held). */
    public void inFlight(long sequence) {
        if (table != null) {
            table.inFlight(stripe, sequence);
        }
    }

    public boolean replaying() {
        return replaying;
    }

    public void replaying(boolean replaying) {
        this.replaying = replaying;
    }
}
