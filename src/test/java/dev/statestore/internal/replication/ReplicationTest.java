package dev.statestore.internal.replication;

import dev.statestore.MapOptions;
import dev.statestore.StoreMap;
import dev.statestore.internal.agent.Scrapes;
import dev.statestore.internal.cache.StampLayout;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.testkit.ChildJvm;
import dev.statestore.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hosts replicating through a real Kafka broker: each host a data directory with its agent in a
 * child JVM, the broker in this JVM on 127.0.0.1.
 */
class ReplicationTest {
    @TempDir
    static Path shared;
    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(shared.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private Host host(String id) {
        return new Host(dir, id, broker.bootstrapServers());
    }

    @Test
    void aPutOnOneHostIsReadOnAnotherWithinASecond() {
        try (Host a = host("host-a"); Host b = host("host-b")) {
            StoreMap<String, String> onA = a.store().map("greetings", String.class, String.class,
                    MapOptions.builder().entries(10_000).build());
            onA.put("before", "the agents ran");
            a.startAgent();
            b.startAgent();
            StoreMap<String, String> onB = b.map("greetings");
            Host.await(() -> "the agents ran".equals(onB.get("before")), Host.START,
                    () -> "the entry A had before replication started never reached B");
            // A's applier applies its own snapshot of "before" again (it predates the applier): let it, so
            // that the own changes below are made after it and come back to an applier that changed
            // nothing since (applied after them, they would rightly be applied again, for convergence)
            Host.await(() -> appliedOffset(a, "greetings") >= 1, Duration.ofSeconds(10),
                    () -> "A's applier never applied the snapshot");

            long start = System.nanoTime();
            onA.put("hello", "world");
            Host.await(() -> "world".equals(onB.get("hello")), Duration.ofSeconds(1),
                    () -> "a put on A was not read on B within a second");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, millis + " ms");
            onA.remove("hello");
            Host.await(() -> onB.get("hello") == null, Duration.ofSeconds(1), () -> "a remove on A did not reach B");
            assertEquals("the agents ran", onB.get("before"));

            Host.await(() -> appliedOffset(b, "greetings") >= 3, Duration.ofSeconds(10), () -> "B stored no offsets");
            // A's own changes made while its applier ran came back from Kafka and were skipped, being what A holds:
            // each is in A's journal once (the snapshot of "before" predates the applier, which applies it again)
            Host.await(() -> appliedOffset(a, "greetings") >= 3, Duration.ofSeconds(10), () -> "A stored no offsets");
            List<String> echoes = new java.util.concurrent.CopyOnWriteArrayList<>();
            long end = a.store().admin().stats("greetings").journal().lastSequence();
            try (dev.statestore.Subscription s = onA.subscribe(dev.statestore.Position.START, e -> {
                if (e.replicated() && e.key().equals("hello")) {
                    echoes.add(e.type() + " " + e.key() + " from " + e.origin());
                }
            })) {
                Host.await(() -> s.lastSequence() >= end, Duration.ofSeconds(10), () -> "A's journal was not read to its end");
            }
            assertEquals(List.of(), echoes);
            try (ChildJvm status = ChildJvm.cli(b.data, "--config", b.config.toString(), "replication", "status", "greetings")) {
                String out = String.join("\n", status.remainingLines(Host.START));
                assertEquals(0, status.waitFor(Host.START), status.stderr());
                assertTrue(out.contains("greetings") && out.contains("replicated") && out.contains("topic statestore.greetings")
                        && out.matches("(?s).*partition 0 +next offset 3 .*"), out);
            }

            // the replication meters the ops kit queries are exported by a replicating agent
            java.util.Set<String> exported = Scrapes.names(Scrapes.get(URI.create("http://127.0.0.1:" + b.port + "/metrics")).body());
            java.util.Set<String> queried = new java.util.TreeSet<>();
            for (String file : new String[] {"ops/alerts.yml", "ops/alerts_test.yml", "ops/grafana-dashboard.json"}) {
                Matcher m = Pattern.compile("\\bstatestore_replication_[a-z_]+\\b").matcher(readString(Path.of(file)));
                while (m.find()) {
                    queried.add(m.group());
                }
            }
            assertTrue(queried.contains("statestore_replication_lag"), "the ops kit queries replication: " + queried);
            queried.removeAll(exported);
            assertEquals(java.util.Set.of(), queried, "queried by the ops kit but not exported; exported: " + exported);
        }
    }

    @Test
    void anEntryPutWithATtlOnOneHostExpiresOnAnotherAtTheSameDeadlineWithoutAWriteFromIt() {
        try (Host a = host("host-a"); Host b = host("host-b")) {
            StoreMap<String, String> onA = a.store().map("leases", String.class, String.class,
                    MapOptions.builder().ttl(Duration.ofHours(1)).perEntryTtl(true).build());
            onA.put("long", "the store's ttl"); // deadline: A's clock at the put + 1 h; shipped in A's first snapshot
            a.startAgent();
            b.startAgent();
            StoreMap<String, String> onB = b.map("leases");
            Host.await(() -> onB.get("long") != null, Host.START, () -> "B never got the entry A had before replication");
            onA.put("short", "3 s", Duration.ofSeconds(3)); // shipped from A's journal
            Host.await(() -> onB.get("short") != null && onB.get("long") != null, Host.START,
                    () -> "B never got the entries: " + Map.copyOf(onB));

            // B holds each entry with the deadline A stamped, not one counted from when B applied it
            Map<String, Long> deadlinesOnA = newestDeadlines(a, onA);
            Map<String, Long> deadlinesOnB = newestDeadlines(b, onB);
            assertEquals(deadlinesOnA, deadlinesOnB);
            long shortDeadline = deadlinesOnA.get("short");

            a.killAgent(); // from now on nothing of A reaches B: B expires the entry by itself, at the same instant
            Host.await(() -> onB.get("short") == null, Duration.ofSeconds(30), () -> "the entry never expired on B");
            assertTrue(System.currentTimeMillis() >= shortDeadline, "expired on B before its deadline");
            assertEquals("the store's ttl", onB.get("long"));
            Host.await(() -> expiredLocally(b, onB).contains("short"), Duration.ofSeconds(60),
                    () -> "B's sweeper never journaled the expiry as its own EXPIRE");
        }
    }

    /** A key type only the application has: the agents never load it. */
    public record Account(String tenant, long id) {
    }

    /** A value type only the application has; a BigDecimal that a double would round. */
    public record Session(String user, int visits, java.math.BigDecimal balance) {
    }

    @Test
    void aStoreOfJsonRecordsIsCreatedOnAHostThatLacksItAndOpensThereWithTheApplicationsTypes() {
        try (Host a = host("host-a"); Host b = host("host-b")) {
            StoreMap<Account, Session> onA = a.store().map("sessions", Account.class, Session.class);
            Session ada = new Session("ada", 3, new java.math.BigDecimal("0.1000000000000000055511151231257827"));
            onA.put(new Account("t1", 42), ada); // shipped in A's first snapshot
            a.startAgent();
            b.startAgent();
            Host.await(() -> b.has("sessions"), Host.START, () -> "B never created the store; its log:\n"
                    + String.join("\n", b.log()));
            // the application on B opens the store the agent created with its own types, as on A
            StoreMap<Account, Session> onB = b.store().map("sessions", Account.class, Session.class);
            Host.await(() -> ada.equals(onB.get(new Account("t1", 42))), Host.START, () -> "B has " + Map.copyOf(onB));
            Session bob = new Session("bob", 1, new java.math.BigDecimal("12345678901234567890.000000000000000001"));
            onA.put(new Account("t1", 43), bob); // shipped from A's journal
            Host.await(() -> bob.equals(onB.get(new Account("t1", 43))), Duration.ofSeconds(10),
                    () -> "B has " + Map.copyOf(onB));
            onA.remove(new Account("t1", 42));
            Host.await(() -> onB.get(new Account("t1", 42)) == null, Duration.ofSeconds(10), () -> "the removal never reached B");
            assertEquals(Map.copyOf(onA), Map.copyOf(onB));

            // the same for a store of a user codec
            StoreMap<String, java.util.UUID> tokensOnA = a.store().map("tokens", dev.statestore.Codec.string(), UUID_CODEC,
                    MapOptions.defaults());
            java.util.UUID token = java.util.UUID.randomUUID();
            tokensOnA.put("ada", token);
            Host.await(() -> b.has("tokens"), Duration.ofSeconds(30), () -> "B never created the store of a user codec");
            StoreMap<String, java.util.UUID> tokensOnB = b.store().map("tokens", dev.statestore.Codec.string(), UUID_CODEC,
                    MapOptions.defaults());
            Host.await(() -> token.equals(tokensOnB.get("ada")), Duration.ofSeconds(10), () -> "B has " + Map.copyOf(tokensOnB));
        }
    }

    /** A user codec: only the application has it. */
    private static final dev.statestore.Codec<java.util.UUID> UUID_CODEC = new dev.statestore.Codec<>() {
        @Override
        public String id() {
            return "test-uuid";
        }

        @Override
        public Class<java.util.UUID> type() {
            return java.util.UUID.class;
        }

        @Override
        public byte[] encode(java.util.UUID value) {
            return java.nio.ByteBuffer.allocate(16).putLong(value.getMostSignificantBits())
                    .putLong(value.getLeastSignificantBits()).array();
        }

        @Override
        public java.util.UUID decode(byte[] bytes) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            return new java.util.UUID(b.getLong(), b.getLong());
        }
    };

    /** Per key, the deadline (epoch millis) of its newest PUT in the store's journal, as stored. */
    private static Map<String, Long> newestDeadlines(Host h, StoreMap<String, String> map) {
        Map<String, Long> deadlines = new java.util.concurrent.ConcurrentHashMap<>();
        long end = lastSequence(h, map);
        try (dev.statestore.Subscription s = ((ChronicleStoreMap<?, ?, ?, ?>) map).subscribeStored(
                dev.statestore.Position.START, e -> {
                    if (e.type() == dev.statestore.ChangeType.PUT) {
                        deadlines.put(new String(e.key(), StandardCharsets.UTF_8), StampLayout.deadline(e.value()));
                    }
                }, dev.statestore.SubscribeOptions.defaults())) {
            Host.await(() -> s.lastSequence() >= end, Duration.ofSeconds(10), () -> "the journal was not read to its end");
        }
        return Map.copyOf(deadlines);
    }

    /** Keys whose EXPIRE event in the store's journal was made on this host (not replicated). */
    private static java.util.Set<String> expiredLocally(Host h, StoreMap<String, String> map) {
        java.util.Set<String> keys = java.util.concurrent.ConcurrentHashMap.newKeySet();
        long end = lastSequence(h, map);
        try (dev.statestore.Subscription s = map.subscribe(dev.statestore.Position.START, e -> {
            if (e.type() == dev.statestore.ChangeType.EXPIRE && !e.replicated()) {
                keys.add(e.key());
            }
        })) {
            Host.await(() -> s.lastSequence() >= end, Duration.ofSeconds(10), () -> "the journal was not read to its end");
        }
        return keys;
    }

    private static long lastSequence(Host h, StoreMap<String, String> map) {
        return h.store().admin().stats(map.name()).journal().lastSequence();
    }

    @Test
    void concurrentWritesToOneKeyOnTwoHostsConvergeToTheSameValue() throws Exception {
        try (Host a = host("host-a"); Host b = host("host-b")) {
            a.startAgent();
            b.startAgent();
            StoreMap<String, String> onA = a.store().map("contended", String.class, String.class); // while the agents run
            onA.put("seed", "1");
            StoreMap<String, String> onB = b.map("contended");
            Host.await(() -> "1".equals(onB.get("seed")), Host.START, () -> "B never got the store");

            int writes = 500;
            Thread onBWriter = new Thread(() -> {
                for (int i = 0; i < writes; i++) {
                    onB.put("k", "b-" + i);
                }
            });
            onBWriter.start();
            for (int i = 0; i < writes; i++) {
                onA.put("k", "a-" + i);
            }
            onBWriter.join();

            // converged: both hosts hold the change with the highest offset of the key's partition
            Host.await(() -> {
                List<String> values = values(topicRecords("statestore.contended"), "k");
                return values.size() >= 2 * writes && values.get(values.size() - 1).equals(onA.get("k"))
                        && values.get(values.size() - 1).equals(onB.get("k"));
            }, Duration.ofSeconds(60), () -> "A has " + onA.get("k") + ", B has " + onB.get("k") + ", the topic ends with "
                    + last(values(topicRecords("statestore.contended"), "k")));
        }
    }

    @Test
    void aKilledHostCatchesUpFromItsStoredOffsetsAndANewHostRestoresTheWholeStore() throws Exception {
        try (Host a = host("host-a"); Host b = host("host-b"); Host c = host("host-c")) {
            StoreMap<String, String> onA = a.store().map("bulk", String.class, String.class,
                    MapOptions.builder().entries(50_000).build());
            int before = 2_000;
            for (int i = 0; i < before; i++) {
                onA.put("old-" + i, "v" + i);
            }
            a.startAgent();
            b.startAgent();
            StoreMap<String, String> onB = b.map("bulk");
            Host.await(() -> onB.size() == before, Host.START, () -> "B has " + onB.size() + " of " + before);
            Host.await(() -> appliedOffset(b, "bulk") >= before, Duration.ofSeconds(10),
                    () -> "B never stored its applied offsets: " + appliedOffset(b, "bulk"));

            b.killAgent();
            int changes = 10_000;
            for (int i = 0; i < changes; i++) {
                onA.put("new-" + i, "w" + i);
            }
            Host.await(() -> endOffset("statestore.bulk") >= before + changes, Duration.ofSeconds(60),
                    () -> "A did not ship its changes: end offset " + endOffset("statestore.bulk"));

            long start = System.nanoTime();
            b.startAgent();
            Host.await(() -> onB.size() == before + changes && ("w" + (changes - 1)).equals(onB.get("new-" + (changes - 1))),
                    Duration.ofSeconds(60), () -> "B has " + onB.size() + " entries after its restart");
            long catchUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            Matcher resumed = b.log().stream().map(Pattern.compile("store 'bulk' partition 0 resumes at offset (\\d+)")::matcher)
                    .filter(Matcher::find).findFirst().orElseThrow(() -> new AssertionError("B did not resume from stored"
                            + " offsets; its log:\n" + String.join("\n", b.log())));
            assertTrue(Long.parseLong(resumed.group(1)) >= before, "resumed at " + resumed.group(1) + ", not from 0");
            double applied = Scrapes.samples(Scrapes.get(URI.create("http://127.0.0.1:" + b.port + "/metrics")).body())
                    .getOrDefault("statestore_replication_applied_total{cache=\"bulk\"}", -1.0);
            assertTrue(applied >= changes && applied < changes + before,
                    "B applied " + applied + " changes after its restart: the missed ones, not the whole topic again");
            System.out.println("catch-up of " + changes + " changes after a restart: " + catchUpMillis + " ms");

            c.startAgent();
            StoreMap<String, String> onC = c.map("bulk");
            Host.await(() -> onC.size() == before + changes, Duration.ofSeconds(60),
                    () -> "the new host C has " + onC.size() + " of " + (before + changes));
            assertEquals(Map.copyOf(onA), Map.copyOf(onC));
            assertEquals(Map.copyOf(onA), Map.copyOf(onB));
        }
    }

    @Test
    void compactionKeepsTheLatestValueOfEachKeyAndANewHostRestoresFromIt() throws Exception {
        try (Host a = host("host-a"); Host c = host("host-c")) {
            StoreMap<String, String> onA = a.store().map("compacted", String.class, String.class);
            onA.put("seed", "1");
            a.startAgent();
            String topic = "statestore.compacted";
            Host.await(() -> endOffset(topic) >= 1, Host.START, () -> "A never shipped");
            try (Admin admin = broker.admin()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                List<AlterConfigOp> ops = new ArrayList<>();
                for (String[] kv : new String[][] {{"segment.ms", "100"}, {"min.cleanable.dirty.ratio", "0.001"},
                        {"delete.retention.ms", "0"}, {"min.compaction.lag.ms", "0"}}) {
                    ops.add(new AlterConfigOp(new ConfigEntry(kv[0], kv[1]), AlterConfigOp.OpType.SET));
                }
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
            }
            for (int i = 1; i <= 200; i++) {
                onA.put("x", String.valueOf(i));
            }
            onA.put("gone", "soon");
            onA.remove("gone");
            int[] ticks = {0};
            Host.await(() -> {
                onA.put("tick", String.valueOf(ticks[0]++)); // a new record rolls the segment the cleaner then compacts
                List<ConsumerRecord<byte[], byte[]>> records = topicRecords(topic);
                return values(records, "x").equals(List.of("200"));
            }, Duration.ofSeconds(60), () -> "the topic still holds " + values(topicRecords(topic), "x").size() + " values of x");

            c.startAgent();
            StoreMap<String, String> onC = c.map("compacted");
            Host.await(() -> "200".equals(onC.get("x")) && onC.get("tick") != null, Duration.ofSeconds(60),
                    () -> "the new host restored " + Map.copyOf(onC));
            assertNull(onC.get("gone"));
            assertEquals("1", onC.get("seed"));
        }
    }

    private static String readString(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long appliedOffset(Host h, String store) {
        try {
            com.fasterxml.jackson.databind.JsonNode state = ReplicationState.read(h.data.resolve(store));
            return state == null ? -1 : state.path("partitions").path(0).path("next").asLong(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> parts = partitions(consumer, topic);
            return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "allow.auto.create.topics", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record of the topic, from its start to its end now. */
    private static List<ConsumerRecord<byte[], byte[]>> topicRecords(String topic) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> parts = partitions(consumer, topic);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
            }
        }
        return all;
    }

    /** The values of {@code key} in the records, in offset order (null for a tombstone). */
    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                values.add(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? "(nothing)" : values.get(values.size() - 1);
    }
}
