package dev.statestore.internal.cache;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FillWarningTest {
    @Test
    void warnsOncePerStoreAndProcessPastEightyPercent() {
        FillWarning w = new FillWarning("fill-warning-test", "created for entries=1");
        assertFalse(w.check(0.79));
        assertTrue(w.check(0.81));
        assertFalse(w.check(0.95));
        assertFalse(new FillWarning("fill-warning-test", "another attach").check(0.9), "once per process");
    }
}
