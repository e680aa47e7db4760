package dev.statestore.internal.replication;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@link Wire} headers of the record being applied, read in one pass (the applier's thread
 * only). Looking each header up by name and decoding the origin's text anew for every record was
 * the applier's largest own cost in a profile at 10k changes/s; the origin, the journal and the
 * counter they name are kept while the bytes stay the same (they change only with the writing host).
 */
final class ChangeHeaders {
    private String origin;
    private String journal;
    private long sequence;
    private long index;
    private long deadline;

    private byte[] originBytes;
    private byte[] journalBytes;
    private String counter;

    /** Reads the headers of the next record; a header absent reads as null, -1 (sequence), 0 (index) or none (deadline). */
    void read(Headers headers) {
        byte[] originSeen = null;
        byte[] journalSeen = null;
        sequence = -1;
        index = 0;
        deadline = Shipper.NO_DEADLINE;
        for (Header h : headers) {
            // the name first: Kafka copies a header's value out of the fetched batch on first access, and the
            // largest, the store's description, is needed only to create a store (Applier reads it then)
            switch (h.key()) {
                case Wire.ORIGIN -> originSeen = h.value();
                case Wire.JOURNAL -> journalSeen = h.value();
                case Wire.SEQUENCE -> sequence = number(h.value(), -1);
                case Wire.INDEX -> index = number(h.value(), 0);
                case Wire.DEADLINE -> deadline = number(h.value(), Shipper.NO_DEADLINE);
                default -> { }
            }
        }
        boolean changed = false;
        if (!Arrays.equals(originSeen, originBytes)) {
            originBytes = originSeen;
            origin = originSeen == null ? null : new String(originSeen, StandardCharsets.UTF_8);
            changed = true;
        }
        if (!Arrays.equals(journalSeen, journalBytes)) {
            journalBytes = journalSeen;
            journal = journalSeen == null ? null : new String(journalSeen, StandardCharsets.UTF_8);
            changed = true;
        }
        if (changed || counter == null) {
            counter = journal == null ? origin : origin + " " + journal;
        }
    }

    private static long number(byte[] v, long fallback) {
        return v == null ? fallback : v.length == 8 ? ByteBuffer.wrap(v).getLong() : v.length == 4 ? ByteBuffer.wrap(v).getInt() : fallback;
    }

    /** The origin's host id, or null. */
    String origin() {
        return origin;
    }

    /** Which journal of the origin the sequence counts in, or null. */
    String journal() {
        return journal;
    }

    /** Whose sequences these are: the origin, and its journal when known (the key of {@link ReplicationState}'s origins). */
    String counter() {
        return counter;
    }

    long sequence() {
        return sequence;
    }

    long index() {
        return index;
    }

    /** The absolute deadline of a PUT, or {@link Shipper#NO_DEADLINE}. */
    long deadline() {
        return deadline;
    }
}
