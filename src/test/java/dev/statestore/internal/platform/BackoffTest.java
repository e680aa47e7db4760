package dev.statestore.internal.platform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The back-off's phases: its round count grows through spins, yields and growing parks, then stays put. */
class BackoffTest {
    @Test
    void roundsGrowThroughThePhasesThenStayQuietWithoutOverflowing() {
        Backoff b = new Backoff(3, 2, 1, 8, 4, 16); // parks of 1 ns: the test does not wait
        int round = 0;
        for (int i = 0; i < 3 + 2 + 4; i++) {
            round = b.idle(round);
        }
        assertEquals(9, round, "one round each: 3 spins, 2 yields, 4 growing parks");
        for (int i = 0; i < 1_000; i++) {
            assertEquals(9, b.idle(round), "quiet: the round stays where it is");
        }
    }
}
