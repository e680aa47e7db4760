package dev.statestore.internal.replication;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnChangesTest {
    /** The newest journal event the applier's thread appended. */
    private final AtomicLong appended = new AtomicLong(-1);
    private final OwnChanges own = new OwnChanges("2026-12-05T00:00:00Z/42", 10, appended::get);

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
        appended.set(20);
        own.applied(); // a remote change, journaled here at 20
        assertFalse(own.skip(15), "the applier may have changed its key after it: applied again, so the hosts converge");
        assertFalse(own.skip(19));
        assertTrue(own.skip(21), "made after every change the applier made");
        appended.set(-1); // a store the applier's thread never appended to: the bound never goes back
        own.applied();
        assertTrue(own.skip(21));
    }
}
