package dev.statestore.internal.platform;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits for what another thread or process will do: the engine's one back-off.
 * Rounds of waiting go through phases: spin ({@link Thread#onSpinWait}), then yield the core,
 * then park for intervals that double from {@code minParkNanos} up to {@code maxParkNanos}, and,
 * after {@code parksBeforeQuiet} parks, park {@code quietParkNanos} each round (a waiter that has
 * waited long wakes less often). The caller keeps the round count, so a back-off is a constant,
 * shared by every thread, and waiting allocates nothing:
 *
 * <pre>{@code
 * for (int round = 0; !done(); ) {
 *     round = Backoff.STRIPE.idle(round);
 * }
 * }</pre>
 *
 * (Chronicle Queue's own append lock waits with Chronicle's pauser, which its API asks for: see
 * {@code Journal.appendLockPauser}.)
 *
 * @param spins rounds that spin
 * @param yields rounds after those that yield
 * @param minParkNanos the first park
 * @param maxParkNanos the longest park while doubling
 * @param parksBeforeQuiet parks before the quiet phase
 * @param quietParkNanos the park of each round in the quiet phase
 */
public record Backoff(int spins, int yields, long minParkNanos, long maxParkNanos, int parksBeforeQuiet,
                      long quietParkNanos) {
    /**
     * A contended stripe: its holder is inside one map operation (a microsecond or so), so spin
     * 100 rounds, yield 100, then park 1, 2, 4 ... 512 us, then 1 ms each round (the owner may be
     * descheduled, or dead and about to be found so by the liveness check).
     */
    public static final Backoff STRIPE = new Backoff(100, 100, 1_000, 1_000_000, 10, 1_000_000);

    /**
     * A subscriber with {@code PARK} between events: spin 200 rounds, then park 1, 2, 4 ... us up to
     * 200 us while events are recent. An event that arrives during a park waits for its end (plus
     * the kernel's timer slack, ~50 us), so this bounds a parked subscriber's latency; each wake-up
     * costs ~20 us of CPU here (the park itself, not the poll), so it also sets the CPU a subscriber
     * burns between events: ~3,300 wake-ups/s, ~6 % of a core, at 200 us. Once the journal has been
     * quiet for 500 parks (~0.1 s), 1 ms parks: an idle subscriber wakes ~1,000 times a second (~2 %
     * of a core), and the first event after a quiet spell waits up to ~1 ms. Measured on a 2-core VM,
     * JDK 17, 2026-11-26 (BENCHMARKS-HISTORY.md).
     */
    public static final Backoff SUBSCRIBER = new Backoff(200, 0, 1_000, 200_000, 500, 1_000_000);

    /**
     * Waits one round.
     *
     * @param round rounds waited before this one (0 at first)
     * @return the round to pass next time
     */
    public int idle(int round) {
        if (round < spins) {
            Thread.onSpinWait();
            return round + 1;
        }
        if (round - spins < yields) {
            Thread.yield();
            return round + 1;
        }
        int parks = round - spins - yields;
        if (parks >= parksBeforeQuiet) {
            LockSupport.parkNanos(quietParkNanos);
            return round; // stays quiet, and never overflows
        }
        LockSupport.parkNanos(Math.min(maxParkNanos, minParkNanos << Math.min(parks, 20)));
        return round + 1;
    }
}
