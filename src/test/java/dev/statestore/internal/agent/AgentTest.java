package dev.statestore.internal.agent;

import dev.statestore.ConfigException;
import dev.statestore.MapOptions;
import dev.statestore.Position;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.ProcessIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in this JVM: what its endpoint serves, and its housekeeping. The agent run as
 * {@code statestore serve} in a child JVM, next to writers in other JVMs, is tested in
 * {@code dev.statestore.internal.cli.ServeCommandTest}.
 *
 * <p>Why the exact {@code cache_gets_total} values are checked here, in the agent's own JVM:
 * Micrometer counters are per process, and the hit and miss counts of a store live in the heap of
 * each process that reads it; no shared file holds them. An agent therefore reports the gets its
 * own process made (and, for the store as a whole, what the shared files tell: size, fill, bytes,
 * attached processes, journal lag). An application sees its own gets by binding its own registry
 * ({@code StateStore.bindTo}). So the honest test of "a scrape over HTTP shows the right hit
 * count" makes known gets in the process that serves the endpoint.
 */
class AgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private StoreConfig config(int port) {
        return StoreConfig.builder(dir.resolve("data")).metrics(new StoreConfig.Metrics(true, "127.0.0.1", port, false))
                .timerSampling(1).build();
    }

    private static Map<String, Double> scrape(Agent agent) {
        HttpResponse<String> response = Scrapes.get(agent.endpoint().resolve("/metrics"));
        assertEquals(200, response.statusCode(), response.body());
        return Scrapes.samples(response.body());
    }

    @Test
    void scrapeOverHttpCountsTheGetsAndPutsMadeInTheAgentsProcess() {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            StoreMap<String, String> orders = store.map("orders", String.class, String.class);
            orders.put("a", "1");
            orders.put("b", "2");
            orders.put("c", "3");
            for (int i = 0; i < 5; i++) {
                assertEquals("1", orders.get("a"));
            }
            orders.get("nope");
            orders.get("nothing");

            HttpResponse<String> response = Scrapes.get(agent.endpoint().resolve("/metrics"));
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    "Prometheus text format: " + response.headers());
            Map<String, Double> samples = Scrapes.samples(response.body());
            assertEquals(5.0, samples.get("cache_gets_total{cache=\"orders\",result=\"hit\"}"), response.body());
            assertEquals(2.0, samples.get("cache_gets_total{cache=\"orders\",result=\"miss\"}"));
            assertEquals(3.0, samples.get("cache_puts_total{cache=\"orders\"}"));
            assertEquals(3.0, samples.get("cache_size{cache=\"orders\"}"));
            assertEquals(7.0, samples.get("statestore_operation_seconds_count{cache=\"orders\",op=\"get\"}"));
        }
    }

    /**
     * Every metric that ops/alerts.yml, ops/alerts_test.yml and ops/grafana-dashboard.json query is
     * one that micrometer-registry-prometheus actually exports for our meters. Those of replication
     * ({@code statestore_replication_*}) need a Kafka broker: ReplicationTest checks them.
     */
    @Test
    void everyMetricTheOpsKitQueriesIsInTheScrape() throws Exception {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            StoreMap<String, String> orders = store.map("orders", String.class, String.class);
            deliverAll(orders, "indexer", 1);
            orders.get("k0");
            orders.remove("k0");
            agent.refresh(); // the housekeeping run that attaches new stores and subscriptions
            Set<String> exported = Scrapes.names(Scrapes.get(agent.endpoint().resolve("/metrics")).body());

            Set<String> queried = new TreeSet<>();
            Pattern metric = Pattern.compile("\\b(?:cache|statestore)_[a-z_]+\\b");
            for (String file : new String[] {"ops/alerts.yml", "ops/alerts_test.yml", "ops/grafana-dashboard.json"}) {
                Matcher m = metric.matcher(Files.readString(Path.of(file)));
                while (m.find()) {
                    if (!m.group().startsWith("statestore_replication_")) {
                        queried.add(m.group());
                    }
                }
            }
            assertTrue(queried.size() > 10, "found the queries: " + queried);
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "queried by the ops kit but not exported; exported: " + exported);
        }
    }

    /** Puts {@code count} entries, lets subscription {@code name} deliver all of them, and closes it. */
    private static void deliverAll(StoreMap<String, String> map, String name, int count) throws InterruptedException {
        CountDownLatch delivered = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            map.put("k" + i, "v" + i);
        }
        try (Subscription s = map.subscribe(Position.named(name), e -> delivered.countDown())) {
            assertTrue(delivered.await(30, TimeUnit.SECONDS), "subscription " + name + " delivered the events");
        }
    }

    @Test
    void journalLagCountsTheEntriesANamedSubscriptionHasNotDelivered() throws Exception {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            StoreMap<String, String> orders = store.map("orders", String.class, String.class);
            deliverAll(orders, "audit", 10);
            for (int i = 0; i < 7; i++) {
                orders.put("later" + i, "x");
            }
            agent.refresh();

            Map<String, Double> samples = scrape(agent);
            assertEquals(7.0, samples.get("statestore_journal_lag_events{cache=\"orders\",subscription=\"audit\"}"));
            assertEquals(17.0, samples.get("statestore_journal_length_events{cache=\"orders\"}"));

            JsonNode health = JSON.readTree(Scrapes.get(agent.endpoint().resolve("/health")).body());
            JsonNode journal = health.get("stores").get(0).get("journal");
            assertEquals(store.journal("orders").lastSequence(), journal.get("lastSequence").asLong());
            JsonNode audit = journal.get("subscriptions").get(0);
            assertEquals("audit", audit.get("name").asText());
            assertEquals(7, audit.get("lag").asLong());
        }
    }

    @Test
    void healthReportsEachStoreWithItsFiguresAndAttachedProcesses() throws Exception {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            store.map("orders", String.class, Long.class, MapOptions.builder().entries(1000).maxGrowth(2).build()).put("a", 1L);
            agent.refresh();
            HttpResponse<String> response = Scrapes.get(agent.endpoint().resolve("/health"));
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
            JsonNode health = JSON.readTree(response.body());
            assertEquals("up", health.get("status").asText());
            assertEquals(store.dataDir().toString(), health.get("dataDir").asText());
            JsonNode orders = health.get("stores").get(0);
            assertEquals("orders", orders.get("name").asText());
            assertEquals("int64", orders.get("valueType").asText());
            assertEquals(1, orders.get("entries").asLong());
            assertEquals(2000, orders.get("capacity").asLong());
            assertEquals(0.0005, orders.get("fillRatio").asDouble(), 1e-9);
            assertTrue(orders.get("fileBytes").asLong() > 0);
            JsonNode attached = orders.get("attachedProcesses");
            assertEquals(1, attached.size(), "one line per PID");
            assertEquals(ProcessIdentity.pid(), attached.get(0).get("pid").asLong());
            assertFalse(attached.get(0).get("attachTime").asText().isEmpty());
        }
    }

    @Test
    void healthIs503NamingTheStoreThatCannotBeOpenedWhileMetricsKeepServingTheOthers() throws Exception {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config)) {
            store.map("orders", String.class, String.class).put("a", "1");
            store.map("broken", String.class, String.class).put("b", "2");
        }
        Files.writeString(dir.resolve("data").resolve("broken").resolve("store.json"), "{ not json");
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            HttpResponse<String> response = Scrapes.get(agent.endpoint().resolve("/health"));
            assertEquals(503, response.statusCode(), response.body());
            JsonNode health = JSON.readTree(response.body());
            assertEquals("degraded", health.get("status").asText());
            Map<String, JsonNode> byName = new java.util.HashMap<>();
            health.get("stores").forEach(s -> byName.put(s.get("name").asText(), s));
            assertEquals(1, byName.get("orders").get("entries").asLong(), response.body());
            assertTrue(byName.get("broken").get("error").asText().contains("store.json"), response.body());
            Map<String, Double> samples = scrape(agent);
            assertEquals(1.0, samples.get("cache_size{cache=\"orders\"}"), "the healthy store is still served");
            assertEquals(1.0, samples.get("statestore_agent_stores_failed"));
        }
    }

    @Test
    void scrapeHasTheAgentJvmsOwnMeters() {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            Set<String> names = Scrapes.names(Scrapes.get(agent.endpoint().resolve("/metrics")).body());
            for (String expected : new String[] {"jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                    "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
                    "process_uptime_seconds", "process_files_open_files"}) {
                assertTrue(names.contains(expected), expected + " in " + names);
            }
        }
    }

    @Test
    void storeCreatedAfterStartIsAttachedByTheNextHousekeepingRun() {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            assertEquals(java.util.List.of(), agent.stores());
            try (DefaultStateStore application = DefaultStateStore.open(config)) {
                application.map("late", String.class, String.class).put("k", "v");
            }
            agent.refresh();
            assertEquals(java.util.List.of("late"), agent.stores());
            assertEquals(1.0, scrape(agent).get("cache_size{cache=\"late\"}"));
        }
    }

    @Test
    void configuredStoreWithTypesIsCreatedAtStartAndOneWithoutTypesWaitsForItsCreator() {
        StoreConfig config = StoreConfig.builder(dir.resolve("data"))
                .store("typed", MapOptions.builder().entries(500).build(), "int64", "bytes")
                .store("untyped", MapOptions.defaults())
                .metrics(new StoreConfig.Metrics(false, "127.0.0.1", 9464, false))
                .build();
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            assertEquals(java.util.List.of("typed"), agent.stores());
            assertEquals("int64", store.metadata("typed").keyCodec());
            assertEquals("bytes", store.metadata("typed").valueCodec());
            assertEquals(500, store.metadata("typed").entries(), "created with the config's sizing");
            assertEquals(null, store.metadata("untyped"));
            assertEquals(null, agent.endpoint(), "metrics.enabled: false serves nothing");
        }
    }

    @Test
    void nonLoopbackHostIsRefusedUnlessSetExplicitly() throws Exception {
        String documentation = "192.0.2.1"; // TEST-NET-1: a literal, resolved without any lookup, never bound here
        ConfigException e = assertThrows(ConfigException.class,
                () -> Agent.address(new StoreConfig.Metrics(true, documentation, 9464, false)));
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
        assertEquals(InetAddress.getByName(documentation),
                Agent.address(new StoreConfig.Metrics(true, documentation, 9464, true)).getAddress());
        assertTrue(Agent.address(StoreConfig.Metrics.DEFAULT).getAddress().isLoopbackAddress());
    }

    @Test
    void onlyGetAndHeadOfMetricsAndHealthAreServed() {
        StoreConfig config = config(Scrapes.freePort());
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            URI base = agent.endpoint();
            assertEquals(404, Scrapes.get(base.resolve("/")).statusCode());
            assertEquals(404, Scrapes.get(base.resolve("/metrics/extra")).statusCode());
            assertEquals(404, Scrapes.get(base.resolve("/admin")).statusCode());
            HttpResponse<String> post = Scrapes.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> head = Scrapes.send(HttpRequest.newBuilder(base.resolve("/health"))
                    .timeout(Duration.ofSeconds(10)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void portInUseFailsTheStartNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StoreConfig config = config(taken.getLocalPort());
            try (DefaultStateStore store = DefaultStateStore.open(config)) {
                StateStoreException e = assertThrows(StateStoreException.class, () -> Agent.start(store, config));
                assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
                assertTrue(e.getMessage().contains("metrics.port"), e.getMessage());
            }
        }
    }

    @Test
    void retentionJobCheckpointsOnlyStoresWithJournalRetention() throws Exception {
        StoreConfig config = StoreConfig.builder(dir.resolve("data"))
                .metrics(new StoreConfig.Metrics(false, "127.0.0.1", 9464, false)).build();
        try (DefaultStateStore store = DefaultStateStore.open(config); Agent agent = Agent.start(store, config)) {
            store.map("trimmed", String.class, String.class,
                    MapOptions.builder().journalRetention(java.time.Duration.ofDays(1)).build()).put("k", "v");
            store.map("kept", String.class, String.class).put("k", "v");
            agent.refresh();
            agent.applyRetention();
            assertEquals(1, checkpoints(store.dataDir().resolve("trimmed")), "a checkpoint, then retention");
            assertEquals(0, checkpoints(store.dataDir().resolve("kept")), "no retention: no checkpoint, no pause");
        }
    }

    private static long checkpoints(Path storeDir) throws IOException {
        Path dir = storeDir.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".ckpt")).count();
        }
    }
}
