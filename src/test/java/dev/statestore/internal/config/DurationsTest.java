package dev.statestore.internal.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one duration grammar of the config file, the CLI's --ttl and the bench tool. */
class DurationsTest {
    @Test
    void numbersWithAUnitAndIsoDurationsAreDurations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30s "));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("0.5s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1.5m"));
    }

    @Test
    void anythingElseIsNotAndPositiveRefusesZeroAndNegative() {
        for (String text : new String[] {"", "10", ".5s", "30 s", "5w", "-1s", "often", "99999999999999999999d"}) {
            assertNull(Durations.parse(text), text);
        }
        assertNull(Durations.parsePositive("0s"));
        assertNull(Durations.parsePositive("PT-1S"));
        assertEquals(Duration.ofSeconds(1), Durations.parsePositive("1s"));
    }
}
