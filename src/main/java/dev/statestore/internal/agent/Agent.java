package dev.statestore.internal.agent;

import dev.statestore.ConfigException;
import dev.statestore.MapOptions;
import dev.statestore.StateStoreException;
import dev.statestore.StoreConfig;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.ProcessIdentity;
import dev.statestore.internal.replication.Replication;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent ({@code statestore serve}): keeps the stores of one data directory attached, runs their
 * housekeeping, and serves their metrics and health over HTTP.
 * <ul>
 *   <li>Opens the stores the config names (creating those whose {@code keyType}/{@code valueType}
 *   it gives) and every store in the data directory, and every 10 seconds any store created since.</li>
 *   <li>Binds a Prometheus registry: this process's own meters of each store ({@code cache.gets}
 *   counts the agent's own gets: Micrometer counters are per process) and the store-wide figures
 *   read from the shared files ({@code cache.size}, fill ratio, bytes, attached processes, and the
 *   agent-only {@link StoreWideMeters}: journal length and lag per named subscription, takeovers
 *   and process deaths in all processes).</li>
 *   <li>Serves {@code GET /metrics} and {@code GET /health} on the configured address, loopback by
 *   default; a non-loopback address only when the operator set it, with a warning.</li>
 *   <li>Housekeeping ({@link Housekeeping}), every 10 seconds: looks for new stores, re-reads the
 *   store-wide figures (which frees the process slots of dead processes), registers gauges for new
 *   named subscriptions, and warns when a store is over 80 % full. Every 10 minutes, for stores
 *   with journal retention: a checkpoint, then retention ({@link dev.statestore.StoreAdmin#checkpoint}).</li>
 *   <li>Replication through Apache Kafka when the config has a {@code replication:} section
 *   ({@link Replication}): ships each store's local changes and applies every host's.</li>
 *   <li>TTL sweeping needs nothing here: every process attached to a store with expiry, the agent
 *   included, runs the library's sweeper, which one process at a time holds the lease for.</li>
 * </ul>
 * It does not own the {@link DefaultStateStore}: the caller closes it after the agent.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** How often the housekeeping runs. */
    public static final Duration HOUSEKEEPING_PERIOD = Duration.ofSeconds(10);
    /** How often stores with journal retention get a checkpoint, after which retention trims their journal. */
    public static final Duration RETENTION_PERIOD = Duration.ofMinutes(10);

    private final DefaultStateStore store;
    private final StoreConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, StoreWideMeters> stores = new ConcurrentSkipListMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Housekeeping housekeeping = new Housekeeping("statestore-housekeeping");
    private final Instant started = Instant.now();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MetricsEndpoint endpoint;
    private volatile Replication replication;
    private JvmGcMetrics gcMeters;

    private Agent(DefaultStateStore store, StoreConfig config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Starts the agent on {@code store}, whose config is {@code config}.
     *
     * @throws ConfigException when the metrics host is not loopback and was not set explicitly, or
     *     does not resolve
     * @throws StateStoreException when the endpoint cannot listen (port in use)
     */
    public static Agent start(DefaultStateStore store, StoreConfig config) {
        Agent agent = new Agent(Objects.requireNonNull(store, "store"), Objects.requireNonNull(config, "config"));
        try {
            agent.begin();
            return agent;
        } catch (RuntimeException e) {
            try {
                agent.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private DiskSpace disk;

    private void begin() {
        InetSocketAddress address = config.metrics().enabled() ? address(config.metrics()) : null;
        store.bindTo(registry);
        bindProcessMeters();
        disk = new DiskSpace(store.dataDir(), registry);
        Gauge.builder("statestore.agent.stores.failed", failures, Map::size)
                .description("Stores the agent cannot open or read (it retries them; /health names each and the cause)")
                .register(registry);
        openConfigured();
        openNew();
        if (config.replication() != null) {
            replication = Replication.start(store, config.replication(), registry);
        }
        housekeeping.every("refresh", HOUSEKEEPING_PERIOD, this::refresh);
        housekeeping.every("retention", RETENTION_PERIOD, this::applyRetention);
        if (address != null) {
            endpoint = MetricsEndpoint.start(address, registry::scrape, this::healthResponse);
            LOG.info("serving {}/metrics and {}/health", endpoint.base(), endpoint.base());
        } else {
            LOG.info("metrics.enabled is false: no HTTP endpoint; housekeeping runs");
        }
    }

    /**
     * The agent JVM's own meters (memory, GC, threads, classes, CPU, uptime, open files), as every
     * Micrometer-instrumented service exports them, so the usual JVM dashboards work unchanged.
     */
    private void bindProcessMeters() {
        gcMeters = new JvmGcMetrics();
        for (MeterBinder binder : new MeterBinder[] {new JvmMemoryMetrics(), gcMeters, new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()}) {
            binder.bindTo(registry);
        }
    }

    /** The address to listen on: loopback unless the operator set another explicitly. */
    static InetSocketAddress address(StoreConfig.Metrics metrics) {
        InetAddress host;
        try {
            host = InetAddress.getByName(metrics.host());
        } catch (UnknownHostException e) {
            throw new ConfigException("metrics.host '" + metrics.host() + "' does not resolve to an address: set an"
                    + " IP address such as 127.0.0.1", e);
        }
        if (!host.isLoopbackAddress()) {
            if (!metrics.hostExplicit()) {
                throw new ConfigException("metrics.host '" + metrics.host() + "' is not a loopback address: the"
                        + " endpoint has no authentication; set metrics.host explicitly to listen there");
            }
            LOG.warn("metrics.host is {} ({}), not loopback: /metrics and /health are open to whoever can reach this"
                    + " host on port {}, without authentication; put a firewall or an authenticating proxy in front",
                    metrics.host(), host.getHostAddress(), metrics.port());
        }
        return new InetSocketAddress(host, metrics.port());
    }

    private void openConfigured() {
        for (StoreConfig.StoreSpec spec : config.storeSpecs().values()) {
            String name = spec.name();
            try {
                StoreMetadata meta = store.metadata(name);
                if (meta != null) {
                    if (spec.typed() && (!spec.keyType().equals(meta.keyCodec()) || !spec.valueType().equals(meta.valueCodec()))) {
                        LOG.warn("store '{}' exists as {} -> {}, the config says {} -> {}: opened with its own types",
                                name, meta.keyCodec(), meta.valueCodec(), spec.keyType(), spec.valueType());
                    }
                } else if (spec.typed()) {
                    store.map(name, BuiltinCodecs.byId(spec.keyType()), BuiltinCodecs.byId(spec.valueType()),
                            MapOptions.defaults());
                    LOG.info("created store '{}' ({} -> {}) as the config describes it", name, spec.keyType(), spec.valueType());
                } else {
                    LOG.warn("store '{}' is in the config but does not exist yet, and the config gives no keyType and"
                            + " valueType to create it with: it is opened once an application creates it", name);
                    continue;
                }
                attach(name);
            } catch (RuntimeException e) {
                failed(name, e);
            }
        }
    }

    /** Attaches the stores of the data directory not attached yet (and retries those that failed). */
    private void openNew() {
        for (String name : store.names()) {
            if (!stores.containsKey(name)) {
                try {
                    attach(name);
                } catch (RuntimeException e) {
                    failed(name, e);
                }
            }
        }
    }

    private void attach(String name) {
        store.existing(name);
        stores.computeIfAbsent(name, n -> new StoreWideMeters(store, n, registry));
        if (failures.remove(name) != null) {
            LOG.info("store '{}' opened after earlier failures", name);
        }
        LOG.info("attached store '{}'", name);
    }

    private void failed(String name, RuntimeException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        if (!message.equals(failures.put(name, message))) {
            LOG.error("store '{}' cannot be opened; the agent serves the others and tries again every {} s: {}",
                    name, HOUSEKEEPING_PERIOD.toSeconds(), message, e);
        }
    }

    /** The housekeeping job: new stores, fresh store-wide figures, subscriptions, fill warnings. */
    void refresh() {
        disk.check();
        openNew();
        for (StoreWideMeters m : stores.values()) {
            try {
                m.refresh();
            } catch (RuntimeException e) {
                LOG.warn("store '{}': cannot read its figures: {}", m.name(), e.toString());
            }
        }
    }

    /**
     * The retention job: for each store whose journal has a retention (by age or size), takes a
     * checkpoint (writers pause while the map is copied) and lets retention delete the journal
     * files the checkpoint covers and every named subscription has read.
     */
    void applyRetention() {
        for (String name : stores.keySet()) {
            try {
                StoreMetadata meta = store.metadata(name);
                if (meta == null || !meta.journal() || (meta.retainSeconds() <= 0 && meta.retainBytes() <= 0)) {
                    continue;
                }
                LOG.info(store.admin().checkpoint(name).summary());
            } catch (RuntimeException e) {
                LOG.warn("store '{}': checkpoint and journal retention failed: {}", name, e.toString());
            }
        }
    }

    /** Where the endpoint listens ({@code http://HOST:PORT}), or null when metrics are disabled. */
    public URI endpoint() {
        MetricsEndpoint e = endpoint;
        return e == null ? null : e.base();
    }

    /** The stores the agent has attached. */
    public List<String> stores() {
        return List.copyOf(stores.keySet());
    }

    /** The Prometheus text the endpoint serves. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The health report: {@code status} "up", or "degraded" when a store cannot be opened or read,
     * or replication has not reached Kafka for {@link Replication#DEGRADED_AFTER} (served with HTTP 503).
     */
    public ObjectNode health() {
        ObjectNode root = HealthReport.JSON.createObjectNode();
        root.put("status", "up");
        root.put("pid", ProcessIdentity.pid());
        root.put("host", ProcessIdentity.host());
        root.put("dataDir", store.dataDir().toString());
        root.put("startedAt", started.toString());
        ArrayNode list = root.putArray("stores");
        boolean degraded = false;
        for (StoreWideMeters m : new ArrayList<>(stores.values())) {
            try {
                list.add(HealthReport.store(store.admin().stats(m.name()), pid -> true));
            } catch (RuntimeException e) {
                degraded = true;
                list.addObject().put("name", m.name()).put("error", String.valueOf(e.getMessage()));
            }
        }
        for (Map.Entry<String, String> f : failures.entrySet()) {
            degraded = true;
            list.addObject().put("name", f.getKey()).put("error", f.getValue());
        }
        Replication r = replication;
        if (r != null) {
            ObjectNode replicated = r.health();
            root.set("replication", replicated);
            degraded |= "degraded".equals(replicated.get("status").asText());
        }
        if (degraded) {
            root.put("status", "degraded");
        }
        return root;
    }

    /**
     * {@code /health}: 200 when every store is up, 503 when one cannot be opened or read (the body
     * says which and why), so an HTTP probe (systemd, Kubernetes, a load balancer) sees the failure.
     */
    private MetricsEndpoint.Response healthResponse() {
        ObjectNode health = health();
        int status = "up".equals(health.get("status").asText()) ? 200 : 503;
        try {
            return new MetricsEndpoint.Response(status, "application/json", HealthReport.JSON.writeValueAsString(health) + "\n");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the endpoint and the housekeeping and unregisters the meters. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {replication, endpoint, housekeeping, gcMeters}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        stores.values().forEach(StoreWideMeters::close);
        registry.close();
        if (failure != null) {
            throw failure;
        }
    }
}
