package dev.statestore.internal.replication;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a change travels in Kafka: one record on the store's topic {@code <prefix><store>}, keyed by
 * the stored key bytes (so a key's changes stay in one partition, in order, and compaction keeps
 * its latest), the stored value bytes as value (null, a tombstone, for a removal), and headers:
 * <pre>
 *  statestore.origin    the origin's host id, UTF-8
 *  statestore.sequence  the change's sequence in the origin's journal, 8 bytes big-endian
 *  statestore.index     the change's index within that journal entry (atomic batches), 4 bytes big-endian
 *  statestore.type      PUT, REMOVE or CLEAR (EXPIRE and EVICT are never shipped)
 *  statestore.journal   which journal of the origin the sequence counts in (its store's creation time and
 *                       creating process): a store deleted and created again on a host starts a new count
 *  statestore.store     the origin's store.json: the types and options a host lacking the store creates it with
 *  statestore.deadline  a PUT of a store whose values carry deadlines (TTL, per-entry TTL, bound): the entry's
 *                       absolute deadline, epoch millis, 8 bytes big-endian, 0 for none; absent otherwise
 * </pre>
 * EXPIRE is not shipped because the deadline is: every host removes the entry itself once it passes.
 */
final class Wire {
    static final String ORIGIN = "statestore.origin";
    static final String SEQUENCE = "statestore.sequence";
    static final String INDEX = "statestore.index";
    static final String TYPE = "statestore.type";
    static final String JOURNAL = "statestore.journal";
    static final String STORE = "statestore.store";
    static final String DEADLINE = "statestore.deadline";

    private Wire() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** The header's text, or null when absent. */
    static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
