package dev.statestore.internal.replication;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

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
        journalEnd.set(20);
        own.applied(); // a remote change, journaled here at a sequence <= 20
        assertFalse(own.skip(15), "the applier may have changed its key after it: applied again, so the hosts converge");
        own.batchDone();
        assertFalse(own.skip(19));
        assertTrue(own.skip(21), "made after every change the applier made");
    }
}
