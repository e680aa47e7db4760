package dev.statestore.internal.replication;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnChangesTest {
    private final AtomicLong journalEnd = new AtomicLong(10);
    private final OwnChanges own = new OwnChanges("2026-12-05T00:00:00Z/42", journalEnd::get);

    @Test
    void onlyChangesOfThisHostsCurrentJournalAreItsOwn() {
        assertTrue(own.mine("host-a", "host-a", "2026-12-05T00:00:00Z/42"));
        assertFalse(own.mine("host-a", "host-b", "2026-12-05T00:00:00Z/42"));
        assertFalse(own.mine("host-a", "host-a", "2026-12-04T00:00:00Z/7"), "a store deleted and created again");
        assertFalse(own.mine("host-a", "host-a", null));
    }

    @Test
    void anOwnChangeMadeAfterEverythingTheApplierChangedIsSkipped() {
        assertTrue(own.skip(11));
        assertFalse(own.skip(10), "made before the applier attached the store: an earlier run may have applied after it");
    }

    @Test
    void anOwnChangeMadeBeforeAChangeTheApplierMadeIsAppliedAgain() {
        long now = System.nanoTime() + MILLIS_50;
        assertTrue(own.mine("host-a", "host-a", "2026-12-05T00:00:00Z/42"));
        journalEnd.set(20);
        own.applied(); // a remote change, journaled here at a sequence <= 20
        assertFalse(own.skip(15), "the applier may have changed its key after it: applied again, so the hosts converge");
        own.batchDone(now);
        assertFalse(own.skip(19));
        assertTrue(own.skip(21), "made after every change the applier made");

        journalEnd.set(30);
        own.applied();
        own.batchDone(now + 1);
        assertFalse(own.skip(31), "the bound is raised at most every 50 ms: until then own changes are applied again");
        own.batchDone(now + MILLIS_50);
        assertTrue(own.skip(31));
    }

    @Test
    void aHostThatOnlyReceivesChangesNeverReadsTheJournalsEnd() {
        int[] reads = {0};
        OwnChanges receiving = new OwnChanges("j", () -> {
            reads[0]++;
            return 10;
        });
        for (int i = 0; i < 3; i++) {
            assertFalse(receiving.mine("host-b", "host-a", "j"));
            receiving.applied();
            receiving.batchDone(System.nanoTime() + (i + 1) * MILLIS_50);
        }
        assertEquals(1, reads[0], "read once, when the applier attached the store");
    }

    private static final long MILLIS_50 = OwnChanges.RAISE_EVERY_MILLIS * 1_000_000L;
}
