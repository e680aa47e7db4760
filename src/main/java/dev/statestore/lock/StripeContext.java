package dev.statestore.lock;

/**
 * What the current thread holds while it runs a Chronicle Map operation: which stripe of which
 * table, and whether it is replaying journaled changes (crash repair), which must not be journaled
 * again. Set by the map around each operation; read by the journaling entry operations, which run
 * inside Chronicle and cannot be handed arguments.
 */
public final class StripeContext {
    private static final ThreadLocal<StripeContext> CURRENT = ThreadLocal.withInitial(StripeContext::new);

    private StripeTable table;
    private int stripe = -1;
    private boolean replaying;

    private StripeContext() {
    }

    public static StripeContext current() {
        return CURRENT.get();
    }

    /** Marks the stripe this thread now holds. */
    public void enter(StripeTable table, int stripe) {
        this.table = table;
        this.stripe = stripe;
    }

    /** Marks that this thread holds no stripe. */
    public void exit() {
        this.table = null;
        this.stripe = -1;
    }

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
