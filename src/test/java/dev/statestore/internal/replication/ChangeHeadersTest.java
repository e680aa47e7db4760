package dev.statestore.internal.replication;

import dev.statestore.ChangeType;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ChangeHeadersTest {
    private final ChangeHeaders headers = new ChangeHeaders();

    private static RecordHeaders shipped(String origin, String journal, long sequence, int index, long deadline) {
        return (RecordHeaders) Shipper.record("t", new byte[] {1}, new byte[] {2}, ChangeType.PUT, Wire.bytes(origin),
                Wire.bytes(journal), sequence, index, Wire.bytes("{}"), deadline).headers();
    }

    @Test
    void readsWhatTheShipperWrote() {
        headers.read(shipped("host-a", "j1", 42, 3, 1_796_000_000_000L));
        assertEquals("host-a", headers.origin());
        assertEquals("j1", headers.journal());
        assertEquals("host-a j1", headers.counter());
        assertEquals(42, headers.sequence());
        assertEquals(3, headers.index());
        assertEquals(1_796_000_000_000L, headers.deadline());

        headers.read(shipped("host-a", "j1", 43, 0, Shipper.NO_DEADLINE));
        assertEquals(43, headers.sequence());
        assertEquals(0, headers.index());
        assertEquals(Shipper.NO_DEADLINE, headers.deadline(), "no deadline header: none, not the previous record's");
    }

    @Test
    void keepsTheOriginsTextWhileItsBytesStayTheSameAndFollowsAChange() {
        headers.read(shipped("host-a", "j1", 1, 0, Shipper.NO_DEADLINE));
        String counter = headers.counter();
        headers.read(shipped("host-a", "j1", 2, 0, Shipper.NO_DEADLINE));
        assertSame(counter, headers.counter());
        headers.read(shipped("host-b", "j1", 3, 0, Shipper.NO_DEADLINE));
        assertEquals("host-b j1", headers.counter());
    }

    @Test
    void aRecordWithoutStatestoreHeadersReadsAsNone() {
        headers.read(shipped("host-a", "j1", 1, 0, Shipper.NO_DEADLINE));
        headers.read(new RecordHeaders());
        assertNull(headers.origin());
        assertNull(headers.journal());
        assertEquals(-1, headers.sequence());
    }
}
