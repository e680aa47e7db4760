package dev.statestore.internal.replication;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeType;
import dev.statestore.Position;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import dev.statestore.SubscribeOptions;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.map.ChronicleStoreMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Ships the local changes of one store to its topic, at least once, through two subscriptions of
 * the store's journal that hand over keys and values as stored, undecoded
 * ({@link ChronicleStoreMap#subscribeStored}):
 * <ul>
 *   <li>the <b>reader</b>, from where shipping resumes ({@link Position#after}), hands each change
 *   made on this host (PUT, REMOVE, CLEAR; not EXPIRE or EVICT, which stay local; not a change
 *   replicated in from another host) to the idempotent producer without waiting for Kafka;</li>
 *   <li>the <b>guard</b>, the durable named subscription {@value #GUARD}, advances only through
 *   journal entries Kafka has acknowledged (its listener waits for it): its position is what
 *   this host has shipped, where a restarted agent resumes, and what the journal's retention may
 *   not delete beyond.</li>
 * </ul>
 * Acknowledgement: {@link #completeThrough()} is the newest journal entry whose changes were all
 * sent; {@link Replication} flushes the producer and then calls {@link #acked}. A failed send
 * (Kafka unreachable past the producer's timeouts) restarts the reader after the acknowledged
 * entry: what follows is sent again, and the appliers drop what they already have.
 *
 * <p>A PUT of a store whose values carry a deadline (created with a TTL, per-entry TTLs or a bound)
 * ships the stored value without its {@link StampLayout} header and the absolute deadline in the
 * {@link Wire#DEADLINE} header, so every host expires the entry at the same instant. EXPIRE stays
 * local: each host removes the entry itself when that deadline passes.
 *
 * <p>A store with entries but no shipping history (replication just turned on) first ships its
 * entries as they are ({@link #snapshot}), all with the journal's last sequence as origin sequence.
 */
final class Shipper implements AutoCloseable {
    static final String GUARD = "replication";
    /** No {@link Wire#DEADLINE} header: the store's values carry none, or the deadline is not known (a snapshot). */
    static final long NO_DEADLINE = -1;
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
    /** A reader idle this long has delivered the whole of its last journal entry. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String store;
    private final StoreMap<Object, Object> map;
    private final ChronicleStoreMap<?, ?, ?, ?> stored;
    private final boolean stamped;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] origin;
    private final byte[] journal;
    private final byte[] metadata;
    private final ReplicationMeters meters;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private volatile long acked;
    private volatile boolean closed;
    private Subscription guard;
    private Subscription reader;

    // the reader's thread writes these; the flushing thread reads them
    private volatile long currentSequence = -1;
    private volatile long completeThrough;
    private volatile long lastEventNanos = System.nanoTime();
    private volatile boolean inListener;
    private int index;

    /**
     * @param resumeAfter the newest journal entry already shipped and acknowledged; -1: none (from the start)
     */
    Shipper(String store, StoreMap<Object, Object> map, Producer<byte[], byte[]> producer, String topic, String hostId,
            String journal, byte[] metadata, ReplicationMeters meters, long resumeAfter) {
        this.store = store;
        this.map = map;
        this.stored = (ChronicleStoreMap<?, ?, ?, ?>) map;
        this.stamped = stored.expiring();
        this.producer = producer;
        this.topic = topic;
        this.origin = Wire.bytes(hostId);
        this.journal = Wire.bytes(journal);
        this.metadata = metadata;
        this.meters = meters;
        this.acked = resumeAfter;
        this.completeThrough = resumeAfter;
    }

    /**
     * Ships every entry of the store as it is now, tagged with {@code sequence}, with its deadline
     * when the store's values carry one (expired entries are left out); waits for Kafka's
     * acknowledgement.
     */
    static long snapshot(StoreMap<Object, Object> map, Producer<byte[], byte[]> producer, String topic, String hostId,
                         String journal, byte[] metadata, long sequence, ReplicationMeters meters) throws Exception {
        byte[] origin = Wire.bytes(hostId);
        byte[] journalId = Wire.bytes(journal);
        int[] count = {0};
        java.util.List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        ChronicleStoreMap<?, ?, ?, ?> stored = (ChronicleStoreMap<?, ?, ?, ?>) map;
        boolean stamped = stored.expiring();
        long now = System.currentTimeMillis();
        forEachEncoded(stored, (key, storedValue) -> {
            byte[] value = storedValue;
            long deadline = NO_DEADLINE;
            if (stamped) {
                if (StampLayout.expired(storedValue, now)) {
                    return;
                }
                deadline = StampLayout.deadline(storedValue);
                value = StampLayout.payload(storedValue);
            }
            sent.add(producer.send(record(topic, key, value, ChangeType.PUT, origin, journalId, sequence, count[0]++,
                    metadata, deadline)));
        });
        producer.flush();
        for (java.util.concurrent.Future<?> f : sent) {
            f.get(); // throws the send's failure: the snapshot is taken again
        }
        meters.shipped(map.name(), count[0]);
        return count[0];
    }

    /** Every stored entry of {@code map} as the journal encodes it (a stamped value with its header). */
    private static <KS, VS> void forEachEncoded(ChronicleStoreMap<?, ?, KS, VS> map,
                                                java.util.function.BiConsumer<byte[], byte[]> action) {
        map.forEachStored(e -> action.accept(map.keyConversion().bytesOf(e.getKey()),
                map.valueConversion().bytesOf(e.getValue())));
    }

    /** Starts the guard and the reader. */
    void start() {
        Position from = acked < 0 ? Position.START : Position.after(acked);
        guard = stored.subscribeStored(Position.named(GUARD, from), this::guard, SubscribeOptions.builder()
                .errorHandler((event, error) -> false).build());
        startReader();
    }

    private void startReader() {
        currentSequence = -1;
        completeThrough = acked;
        Position from = acked < 0 ? Position.START : Position.after(acked);
        reader = stored.subscribeStored(from, this::ship, SubscribeOptions.builder().errorHandler((event, error) -> {
            failed(error);
            return false;
        }).build());
    }

    private void ship(ChangeEvent<byte[], byte[]> event) {
        inListener = true;
        try {
            long sequence = event.sequence();
            if (sequence != currentSequence) {
                if (currentSequence >= 0) {
                    completeThrough = currentSequence;
                }
                currentSequence = sequence;
                index = 0;
            } else {
                index++;
            }
            ChangeType type = event.type();
            if (event.replicated() || type == ChangeType.EXPIRE || type == ChangeType.EVICT) {
                return;
            }
            byte[] value = null;
            long deadline = NO_DEADLINE;
            if (type == ChangeType.PUT) {
                value = event.value();
                if (stamped) {
                    deadline = StampLayout.deadline(value);
                    value = StampLayout.payload(value);
                }
            }
            producer.send(record(topic, event.key(), value, type, origin, journal, sequence, index, metadata, deadline),
                    (meta, error) -> {
                        if (error != null) {
                            failed(error);
                        } else {
                            meters.shipped(store, 1);
                        }
                    });
        } finally {
            lastEventNanos = System.nanoTime();
            inListener = false;
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, ChangeType type, byte[] origin,
                                                 byte[] journal, long sequence, int index, byte[] metadata, long deadline) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Wire.ORIGIN, origin);
        headers.add(Wire.JOURNAL, journal);
        headers.add(Wire.SEQUENCE, Wire.longBytes(sequence));
        headers.add(Wire.INDEX, Wire.intBytes(index));
        headers.add(Wire.TYPE, Wire.bytes(type.name()));
        headers.add(Wire.STORE, metadata);
        if (deadline != NO_DEADLINE) {
            headers.add(Wire.DEADLINE, Wire.longBytes(deadline));
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    /** The guard's listener: returns once Kafka has acknowledged the event's journal entry. */
    private void guard(ChangeEvent<byte[], byte[]> event) {
        while (acked < event.sequence()) {
            if (closed) {
                throw new IllegalStateException("shipping of store '" + store + "' stopped"); // not delivered: seen again
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private void failed(Throwable error) {
        if (failure.compareAndSet(null, error)) {
            meters.error(store);
            LOG.warn("store '{}': shipping to {} failed ({}); it resumes after journal entry {}", store, topic,
                    error.toString(), acked);
        }
    }

    /** The newest journal entry whose changes have all been handed to the producer. */
    long completeThrough() {
        long c = completeThrough;
        long current = currentSequence;
        if (current > c && !inListener && System.nanoTime() - lastEventNanos > IDLE_NANOS) {
            return current; // the reader is idle: it delivered the whole of its last entry
        }
        return c;
    }

    /**
     * After a flush of the producer: entries through {@code sequence} are acknowledged, unless a send
     * failed, in which case the reader starts again after the last acknowledged entry.
     *
     * @return the failure, or null
     */
    Throwable acked(long sequence) {
        Throwable error = failure.get();
        if (error == null) {
            if (sequence > acked) {
                acked = sequence;
            }
            return null;
        }
        if (!closed) {
            reader.close();
            if (reader.isRunning()) {
                return error; // still inside a send that blocks (Kafka unreachable): restarted at a later flush
            }
            failure.set(null);
            startReader();
        }
        return error;
    }

    /** The newest journal entry Kafka acknowledged (shipping resumes after it). */
    long ackedSequence() {
        return acked;
    }

    String store() {
        return store;
    }

    @Override
    public void close() {
        closed = true;
        for (Subscription s : new Subscription[] {reader, guard}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
