package dev.statestore.internal.replication;

import dev.statestore.ChangeEvent.Origin;
import dev.statestore.MapOptions;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.codec.StandInCodec;
import dev.statestore.internal.journal.ChangeCause;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.map.DefaultStateStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies the changes of every store's topic under the prefix to the local stores, on one thread:
 * every host holds every store whole. Partitions are assigned directly (no consumer group), each
 * resumed at the offset stored in its store's {@link ReplicationState}, or read from its start.
 * Records are applied in partition order, each inside {@link ChangeCause#replicating} so that its
 * journal event is marked replicated (never shipped again); a change whose (origin, sequence,
 * index) is not newer than the newest applied from that origin in the partition is dropped, and so
 * is this host's own change when it is still what the host holds ({@link OwnChanges}). A store
 * this host lacks is created from the types and options of the record's {@code statestore.store}
 * header (JSON records and user codecs through a {@link StandInCodec} that records the origin's
 * type names, since only the application has their classes). A PUT with a {@link Wire#DEADLINE}
 * keeps that absolute deadline. Offsets are stored every 200 ms by {@link Replication}'s saver
 * (never on this thread: a forced write can take long, and the applying would wait) and on close:
 * a crash re-applies at most that much, in order, which ends in the same state.
 */
final class Applier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DISCOVERY_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    private final DefaultStateStore store;
    private final StoreConfig.Replication config;
    private final Consumer<byte[], byte[]> consumer;
    private final Function<String, ReplicationState> states;
    private final ReplicationMeters meters;
    private final Map<TopicPartition, String> assigned = new HashMap<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<String, StoreMap<Object, Object>> maps = new HashMap<>();
    private final Map<String, OwnChanges> owns = new HashMap<>();
    private final ChangeHeaders headers = new ChangeHeaders();
    /** Changes applied from the partition being applied in this poll (counted into the meter once). */
    private int appliedInBatch;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastContactNanos = System.nanoTime();
    private volatile String lastError;

    Applier(DefaultStateStore store, StoreConfig.Replication config, Consumer<byte[], byte[]> consumer,
            Function<String, ReplicationState> states, ReplicationMeters meters) {
        this.store = store;
        this.config = config;
        this.consumer = consumer;
        this.states = states;
        this.meters = meters;
        this.thread = new Thread(this::run, "statestore-replication-applier");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** When the applier last reached Kafka (listed the topics). */
    long lastContactNanos() {
        return lastContactNanos;
    }

    String lastError() {
        return lastError;
    }

    private void run() {
        long nextDiscovery = 0;
        try {
            while (running) {
                long now = System.nanoTime();
                if (now - nextDiscovery >= 0) {
                    discover();
                    nextDiscovery = now + DISCOVERY_NANOS;
                }
                resumePaused(now);
                if (assigned.isEmpty()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                } else {
                    apply(consumer.poll(Duration.ofMillis(100)));
                    updateLag();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            LOG.error("replication: the applier stopped", e);
            lastError = e.toString();
        } finally {
            saveAll();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Assigns the partitions of topics under the prefix not assigned yet. */
    private void discover() {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            error(null, "cannot list the topics: " + e);
            return;
        }
        lastContactNanos = System.nanoTime();
        if (lastError != null && lastError.startsWith("cannot list")) {
            lastError = null;
        }
        List<TopicPartition> added = new ArrayList<>();
        for (Map.Entry<String, List<PartitionInfo>> t : topics.entrySet()) {
            String topic = t.getKey();
            if (!topic.startsWith(config.topicPrefix())) {
                continue;
            }
            String name = topic.substring(config.topicPrefix().length());
            if (!StoreConfig.STORE_NAME.matcher(name).matches() || !config.replicates(name)) {
                continue;
            }
            for (PartitionInfo p : t.getValue()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                if (!assigned.containsKey(tp)) {
                    assigned.put(tp, name);
                    added.add(tp);
                }
            }
        }
        if (added.isEmpty()) {
            return;
        }
        consumer.assign(new ArrayList<>(assigned.keySet()));
        for (TopicPartition tp : added) {
            String name = assigned.get(tp);
            long next = states.apply(name).next(tp.partition());
            if (next >= 0) {
                consumer.seek(tp, next);
                LOG.info("replication: store '{}' partition {} resumes at offset {} (stored in {})", name, tp.partition(),
                        next, ReplicationState.FILE_NAME);
            } else {
                consumer.seekToBeginning(List.of(tp));
                LOG.info("replication: store '{}' partition {} is applied from its start", name, tp.partition());
            }
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        if (!records.isEmpty()) {
            lastContactNanos = System.nanoTime();
        }
        for (TopicPartition tp : records.partitions()) {
            String name = assigned.get(tp);
            ReplicationState state = states.apply(name);
            appliedInBatch = 0;
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (!applyOne(name, state, tp, r)) {
                    consumer.seek(tp, r.offset()); // tried again after a pause, in order
                    consumer.pause(List.of(tp));
                    pausedUntil.put(tp, System.nanoTime() + RETRY_NANOS);
                    break;
                }
            }
            if (appliedInBatch > 0) {
                meters.applied(name, appliedInBatch); // once per partition and poll, not per record
            }
        }
    }

    /** Applies one record; false when it failed and is to be tried again. */
    private boolean applyOne(String name, ReplicationState state, TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        ChangeHeaders h = headers;
        h.read(r.headers());
        String originHost = h.origin();
        long sequence = h.sequence();
        if (originHost == null || sequence < 0 || r.key() == null) {
            state.skipped(tp.partition(), r.offset()); // not a statestore change
            return true;
        }
        long index = h.index();
        String journal = h.journal();
        String counter = h.counter();
        if (!state.isNew(tp.partition(), counter, sequence, index)) {
            state.skipped(tp.partition(), r.offset());
            return true;
        }
        try {
            StoreMap<Object, Object> map = map(name, state, r);
            OwnChanges own = owns.get(name);
            if (own.mine(config.hostId(), originHost, journal) && own.skip(sequence)) {
                state.applied(tp.partition(), r.offset(), counter, sequence, index); // already what this host holds
                return true;
            }
            Object key = exactly(map.keyCodec(), r.key());
            Origin origin = new Origin(originHost, sequence);
            if (r.value() == null) {
                ChangeCause.replicating(origin, () -> map.remove(key));
            } else {
                Object value = exactly(map.valueCodec(), r.value());
                long deadline = h.deadline();
                if (deadline == Shipper.NO_DEADLINE) {
                    ChangeCause.replicating(origin, () -> map.put(key, value));
                } else { // the origin's absolute deadline, not one from now: every host expires the entry at once
                    ChronicleStoreMap<Object, Object, ?, ?> stamped = (ChronicleStoreMap<Object, Object, ?, ?>) map;
                    ChangeCause.replicating(origin, () -> stamped.putUntil(key, value, deadline));
                }
            }
            own.applied();
        } catch (RuntimeException e) {
            error(name, "store '" + name + "': applying offset " + r.offset() + " of partition " + tp.partition()
                    + " failed, tried again in 1 s: " + e.getMessage());
            return false;
        }
        state.applied(tp.partition(), r.offset(), counter, sequence, index);
        appliedInBatch++;
        return true;
    }

    /**
     * The value that the store's codec encodes back to {@code bytes} exactly. A store of JSON records
     * is attached here with the JSON tree codec (this process lacks the record classes), and a tree
     * does not always write back the bytes it was read from (a BigDecimal read as a double, for
     * one): its bytes go in as a raw JSON value, written verbatim. Other codecs are exact already.
     */
    private static Object exactly(dev.statestore.Codec<?> codec, byte[] bytes) {
        if (codec.type() == JsonNode.class) {
            return JsonNodeFactory.instance.rawValueNode(new RawValue(new String(bytes, StandardCharsets.UTF_8)));
        }
        return codec.decode(bytes);
    }

    /** The store, attached, or created as the record's origin describes it. */
    private StoreMap<Object, Object> map(String name, ReplicationState state, ConsumerRecord<byte[], byte[]> r) {
        StoreMap<Object, Object> map = maps.get(name);
        if (map != null) {
            return map;
        }
        if (store.metadata(name) == null) {
            create(name, state, Wire.text(r.headers(), Wire.STORE), Wire.text(r.headers(), Wire.ORIGIN));
        }
        map = store.existing(name);
        dev.statestore.internal.journal.Journal journal = ((ChronicleStoreMap<?, ?, ?, ?>) map).journal();
        owns.put(name, journal == null
                ? new OwnChanges(Replication.journalId(store.metadata(name)), Long.MAX_VALUE, () -> Long.MAX_VALUE)
                : new OwnChanges(Replication.journalId(store.metadata(name)), journal.lastSequence(),
                        journal::lastAppendedByThisThread));
        maps.put(name, map);
        return map;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void create(String name, ReplicationState state, String storeJson, String origin) {
        JsonNode meta;
        try {
            meta = storeJson == null ? null : JSON.readTree(storeJson);
        } catch (java.io.IOException e) {
            meta = null;
        }
        if (meta == null) {
            throw new IllegalStateException("its records carry no store description: create the store on this host");
        }
        dev.statestore.Codec keys = codec(meta.path("keyCodec").asText(), meta.path("keyType").asText());
        dev.statestore.Codec values = codec(meta.path("valueCodec").asText(), meta.path("valueType").asText());
        MapOptions.Builder b = MapOptions.builder()
                .entries(meta.path("entries").asLong())
                .averageKeySize(meta.path("averageKeySize").asInt())
                .averageValueSize(meta.path("averageValueSize").asInt())
                .maxGrowth(meta.path("maxGrowth").asDouble());
        long ttl = meta.path("ttlMillis").asLong(0);
        if (ttl > 0) {
            b.ttl(Duration.ofMillis(ttl)).expireAfterAccess(meta.path("expireAfterAccess").asBoolean(false));
        } else if ("stamped".equals(meta.path("valueLayout").asText())) {
            b.perEntryTtl(true);
        }
        if (meta.path("maxEntries").asLong(0) > 0) {
            b.maxEntries(meta.path("maxEntries").asLong());
        }
        if (meta.path("maxBytes").asLong(0) > 0) {
            b.maxBytes(meta.path("maxBytes").asLong());
        }
        state.createdByReplication(true); // before the store exists: its shipper must not ship it back as a snapshot
        store.map(name, keys, values, b.build());
        LOG.info("replication: created store '{}' ({} -> {}) as host {} has it", name, keys, values, origin);
    }

    /**
     * The codec to create a store of codec {@code id} and Java type {@code typeName} with: a built-in
     * one, or for JSON records and user codecs (whose classes only the application has) the generic
     * codec standing in for them, recording {@code typeName} so that the application opens the
     * store later with its own types.
     */
    private static dev.statestore.Codec<?> codec(String id, String typeName) {
        dev.statestore.Codec<?> builtin = BuiltinCodecs.byId(id);
        return builtin != null ? builtin : new StandInCodec<>(DefaultStateStore.genericCodec(id), typeName);
    }

    private void resumePaused(long now) {
        if (pausedUntil.isEmpty()) {
            return;
        }
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.entrySet().removeIf(e -> {
            if (now - e.getValue() >= 0) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    private void updateLag() {
        for (Map.Entry<TopicPartition, String> e : assigned.entrySet()) {
            OptionalLong lag = consumer.currentLag(e.getKey());
            if (lag.isPresent()) {
                states.apply(e.getValue()).lag(e.getKey().partition(), lag.getAsLong());
            }
        }
    }

    private void saveAll() {
        Set<String> names = new HashSet<>(assigned.values());
        for (String name : names) {
            if (store.metadata(name) == null) {
                continue; // not created yet: nothing applied
            }
            try {
                states.apply(name).saveIfChanged();
            } catch (RuntimeException e) {
                error(name, e.getMessage());
            }
        }
    }

    private void error(String name, String message) {
        if (!message.equals(lastError)) {
            LOG.warn("replication: {}", message);
        }
        lastError = message;
        if (name != null) {
            meters.error(name);
            states.apply(name).lastError(message);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
