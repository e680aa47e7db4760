package dev.statestore.internal.replication;

import dev.statestore.StoreConfig;
import dev.statestore.StoreStats;
import dev.statestore.internal.agent.Housekeeping;
import dev.statestore.internal.files.StoreFiles;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.map.DefaultStateStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replication of the stores of one data directory through Apache Kafka, run by the agent when the
 * config has a {@code replication:} section (README, "Several hosts"). One idempotent producer and
 * a {@link Shipper} per replicated store send local changes to {@code <prefix><store>}; one
 * {@link Applier} applies every store's topic here. Jobs: every second, stores not shipped yet
 * (new ones included) get a shipper, and failed shippers restart; every 100 ms the producer is
 * flushed and each shipper's acknowledged journal entry advances; every 200 ms the applied offsets
 * of the stores that changed are stored.
 *
 * <p>Kafka unreachable: local reads and writes go on (nothing here is on their path); changes
 * wait in the journal behind the shipper's guard subscription; the producer and the consumer
 * reconnect by themselves; {@link #health} says degraded once Kafka has not been reached for
 * {@link #DEGRADED_AFTER}.
 */
public final class Replication implements AutoCloseable {
    /** How long Kafka may stay unreachable before {@code /health} says degraded. */
    public static final Duration DEGRADED_AFTER = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DefaultStateStore store;
    private final StoreConfig.Replication config;
    private final ReplicationMeters meters;
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private final Applier applier;
    private final Map<String, ReplicationState> states = new ConcurrentHashMap<>();
    private final Map<String, Shipper> shippers = new ConcurrentHashMap<>();
    private final Map<String, String> shipErrors = new ConcurrentHashMap<>();
    private final Housekeeping maintenance = new Housekeeping("statestore-replication-maintenance");
    private final Housekeeping commits = new Housekeeping("statestore-replication-commit");
    private final Housekeeping saves = new Housekeeping("statestore-replication-save");
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastAckNanos = System.nanoTime();

    private Replication(DefaultStateStore store, StoreConfig.Replication config, MeterRegistry registry) {
        this.store = store;
        this.config = config;
        this.meters = new ReplicationMeters(registry);
        String client = "statestore-" + config.hostId();
        Map<String, Object> producerProps = new HashMap<>(config.kafka());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, client + "-shipper");
        // defaults the config may override: batches of up to 256 KB, compressed (every record repeats the store's
        // description in a header, which compresses away); with Kafka's 16 KB batches a loaded broker capped shipping
        // below 10k changes/s here (5 requests in flight per connection)
        producerProps.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> adminProps = new HashMap<>(config.kafka());
        adminProps.putIfAbsent("client.id", client + "-admin");
        this.admin = Admin.create(adminProps);
        Map<String, Object> consumerProps = new HashMap<>(config.kafka());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // topics are made compacted, by the shipper
        consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, client + "-applier");
        this.applier = new Applier(store, config, new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), this::state, meters);
    }

    /** Starts replication of {@code store}'s data directory as {@code config} says. */
    public static Replication start(DefaultStateStore store, StoreConfig.Replication config, MeterRegistry registry) {
        Replication r = new Replication(store, config, registry);
        try {
            r.applier.start();
            r.maintenance.every("replication-shippers", Duration.ofSeconds(1), r::startShippers);
            r.commits.every("replication-commit", Duration.ofMillis(100), r::commit);
            r.saves.every("replication-save", Duration.ofMillis(200), r::saveStates);
            LOG.info("replication on as host '{}': topics {}<store>, Kafka {}", config.hostId(), config.topicPrefix(),
                    config.kafka().get("bootstrap.servers"));
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    ReplicationState state(String name) {
        return states.computeIfAbsent(name, n -> ReplicationState.load(n, StoreFiles.storeDir(store.dataDir(), n), store.modes()));
    }

    /** Gives every replicated store of the data directory not shipped yet a shipper. */
    void startShippers() {
        for (String name : store.names()) {
            if (!config.replicates(name) || shippers.containsKey(name) || closed.get()) {
                continue;
            }
            try {
                Shipper s = startShipper(name);
                if (s != null) {
                    shippers.put(name, s);
                    shipErrors.remove(name);
                }
            } catch (Exception e) {
                String message = "store '" + name + "': shipping cannot start: " + e;
                if (!message.equals(shipErrors.put(name, message))) {
                    LOG.warn("replication: {}; tried again every second", message);
                    meters.error(name);
                }
                state(name).lastError(message);
            }
        }
    }

    private Shipper startShipper(String name) throws Exception {
        StoreMetadata meta = store.metadata(name);
        if (meta == null) {
            return null;
        }
        if (!meta.journal()) {
            throw new IllegalStateException("it has no journal, and replication ships from the journal: create it with"
                    + " journal: true, or set replicate: false for it");
        }
        String topic = config.topicPrefix() + name;
        ensureTopic(topic);
        var map = store.existing(name);
        ReplicationState state = state(name);
        StoreStats.JournalStats journal = store.admin().stats(name).journal();
        long guard = journal.subscriptions().stream().filter(s -> s.name().equals(Shipper.GUARD))
                .mapToLong(StoreStats.SubscriptionStats::position).findFirst().orElse(-2);
        // without store.json's indentation: every record carries it, and every host's consumer copies it per record
        byte[] metadata = JSON.writeValueAsBytes(JSON.readTree(
                Files.readAllBytes(StoreFiles.storeDir(store.dataDir(), name).resolve(StoreMetadata.FILE_NAME))));
        String journalId = journalId(meta);
        long resume;
        if (guard >= 0 || state.snapshotThrough() >= 0 || state.createdByReplication()) {
            resume = Math.max(guard, state.snapshotThrough());
        } else {
            long last = journal.lastSequence();
            long shipped = Shipper.snapshot(map, producer, topic, config.hostId(), journalId, metadata, last, meters);
            state.snapshotThrough(last);
            state.saveIfChanged();
            LOG.info("replication: store '{}' shipped whole ({} entries, through journal entry {})", name, shipped, last);
            resume = last;
        }
        Shipper s = new Shipper(name, map, producer, topic, config.hostId(), journalId, metadata, meters, resume);
        s.start();
        meters.register(name);
        meters.lag(name, state, ReplicationState::totalLag);
        LOG.info("replication: store '{}' ships to {} after journal entry {}", name, topic, resume);
        return s;
    }

    /** Which journal of the store its sequences count in ({@link Wire#JOURNAL}): a store re-created starts a new one. */
    static String journalId(StoreMetadata meta) {
        return meta.created() + "/" + meta.createdByPid();
    }

    private void ensureTopic(String topic) throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            admin.createTopics(java.util.List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(10, TimeUnit.SECONDS);
            LOG.info("replication: created topic {} (compacted)", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
            checkCompacted(topic);
        }
    }

    /** Warns when an existing topic is not compacted: a new host could not restore the whole store from it. */
    private void checkCompacted(String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            ConfigEntry policy = admin.describeConfigs(java.util.List.of(resource)).all().get(10, TimeUnit.SECONDS)
                    .get(resource).get("cleanup.policy");
            if (policy == null || !policy.value().contains("compact")) {
                LOG.warn("replication: topic {} has cleanup.policy={}, not compact: its old records are deleted by age, and"
                        + " a new host cannot restore the whole store from it; run kafka-configs.sh --alter --entity-type"
                        + " topics --entity-name {} --add-config cleanup.policy=compact", topic,
                        policy == null ? "?" : policy.value(), topic);
            }
        } catch (Exception e) {
            LOG.debug("replication: cannot read the config of topic {}: {}", topic, e.toString());
        }
    }

    /** Stores what the applier applied ({@code <store>/replication.json}) for the stores that changed. */
    void saveStates() {
        for (ReplicationState s : states.values()) {
            try {
                if (store.metadata(s.store()) != null) { // not created yet: nothing applied
                    s.saveIfChanged();
                }
            } catch (RuntimeException e) {
                String message = e.getMessage();
                if (!java.util.Objects.equals(message, s.lastError())) {
                    LOG.warn("replication: {}", message);
                    meters.error(s.store());
                }
                s.lastError(message);
            }
        }
    }

    /** Flushes the producer and advances each shipper's acknowledged entry. */
    void commit() {
        Map<Shipper, Long> candidates = new HashMap<>();
        for (Shipper s : shippers.values()) {
            long c = s.completeThrough();
            if (c > s.ackedSequence()) {
                candidates.put(s, c);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        producer.flush();
        for (Map.Entry<Shipper, Long> e : candidates.entrySet()) {
            Throwable error = e.getKey().acked(e.getValue());
            if (error == null) {
                lastAckNanos = System.nanoTime();
                state(e.getKey().store()).lastError(null);
            } else {
                state(e.getKey().store()).lastError("shipping failed, resumed after the last acknowledged entry: " + error);
            }
        }
    }

    /** Whether Kafka has not been reached for {@link #DEGRADED_AFTER}. */
    public boolean degraded() {
        long newest = Math.max(applier.lastContactNanos(), lastAckNanos);
        return System.nanoTime() - newest > DEGRADED_AFTER.toNanos();
    }

    /** The replication part of {@code /health}. */
    public ObjectNode health() {
        ObjectNode n = JSON.createObjectNode();
        boolean degraded = degraded();
        n.put("status", degraded ? "degraded" : "up");
        n.put("hostId", config.hostId());
        long since = System.nanoTime() - Math.max(applier.lastContactNanos(), lastAckNanos);
        n.put("kafkaLastReachedSecondsAgo", TimeUnit.NANOSECONDS.toSeconds(since));
        n.put("lastError", applier.lastError());
        ArrayNode list = n.putArray("stores");
        for (String name : new java.util.TreeSet<>(states.keySet())) {
            ReplicationState s = states.get(name);
            ObjectNode o = list.addObject();
            o.put("name", name);
            Shipper shipper = shippers.get(name);
            o.put("shippedThrough", shipper == null ? -1 : shipper.ackedSequence());
            o.put("lag", s.totalLag());
            o.put("lastError", shipErrors.getOrDefault(name, s.lastError()));
        }
        return n;
    }

    /** Stops shipping and applying; what was shipped and applied is stored. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.close();
        commits.close();
        saves.close();
        // what Kafka acknowledged is recorded, so a restart ships less again; at most 5 s (Kafka may be down)
        Thread lastCommit = new Thread(() -> {
            try {
                commit();
            } catch (RuntimeException e) {
                LOG.warn("replication: the last flush failed: {}", e.toString());
            }
        }, "statestore-replication-last-commit");
        lastCommit.setDaemon(true);
        lastCommit.start();
        try {
            lastCommit.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shippers.values().forEach(Shipper::close);
        applier.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        for (ReplicationState s : states.values()) {
            try {
                if (store.metadata(s.store()) != null) {
                    s.saveIfChanged();
                }
            } catch (RuntimeException e) {
                LOG.warn("replication: {}", e.getMessage());
            }
        }
    }

    /** For the status command: the stored state of {@code store}, or null. */
    static com.fasterxml.jackson.databind.JsonNode stored(java.nio.file.Path storeDir) throws IOException {
        return ReplicationState.read(storeDir);
    }
}
