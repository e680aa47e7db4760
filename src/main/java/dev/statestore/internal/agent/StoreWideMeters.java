package dev.statestore.internal.agent;

import dev.statestore.StoreStats;
import dev.statestore.internal.map.DefaultStateStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The meters only the agent registers for a store, on top of those every process has
 * ({@code StateStore.bindTo}): figures of the store as a whole, read from its shared files.
 * <ul>
 *   <li>{@code statestore.journal.lag{cache,subscription}} (Prometheus
 *   {@code statestore_journal_lag_events}): journal entries after a named subscription's position;</li>
 *   <li>{@code statestore.journal.length} ({@code statestore_journal_length_events}): entries the journal holds;</li>
 *   <li>{@code statestore.store.lock.takeovers} ({@code statestore_store_lock_takeovers_total}):
 *   stripes taken over from dead processes by any process (the per-process
 *   {@code statestore.lock.takeovers} counts only this process's);</li>
 *   <li>{@code statestore.store.process.deaths} ({@code statestore_store_process_deaths_total}):
 *   attached processes found dead.</li>
 * </ul>
 * A scrape reads the figures at most once a second per store; new subscriptions get their gauge
 * at the next {@link #refresh()} (the agent's housekeeping, every 10 seconds).
 */
final class StoreWideMeters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWideMeters.class);
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Fill ratio above which a warning is logged (invariant: capacity is checked before it runs out). */
    static final double FILL_WARNING = 0.8;

    private final DefaultStateStore store;
    private final String name;
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Meter> lagGauges = new ConcurrentHashMap<>();
    private volatile StoreStats last;
    private volatile long lastNanos;
    private boolean fillWarned;

    StoreWideMeters(DefaultStateStore store, String name, MeterRegistry registry) {
        this.store = store;
        this.name = name;
        this.registry = registry;
        this.tags = Tags.of("cache", name);
        meters.add(Gauge.builder("statestore.journal.length", this, value(s -> s.journal() == null ? Double.NaN : s.journal().events()))
                .tags(tags).baseUnit("events").description("Entries the store's journal holds (store-wide)")
                .strongReference(true).register(registry));
        meters.add(FunctionCounter.builder("statestore.store.lock.takeovers", this, value(StoreStats::lockTakeovers))
                .tags(tags).description("Lock stripes taken over from dead processes by any process (store-wide)")
                .register(registry));
        meters.add(FunctionCounter.builder("statestore.store.process.deaths", this, value(StoreStats::processDeaths))
                .tags(tags).description("Attached processes found dead, their slots reaped (store-wide)")
                .register(registry));
        refresh();
    }

    String name() {
        return name;
    }

    /** The store's figures, read again when the last reading is over a second old. */
    StoreStats stats() {
        StoreStats s = last;
        if (s == null || System.nanoTime() - lastNanos > MAX_AGE_NANOS) {
            s = store.admin().stats(name);
            last = s;
            lastNanos = System.nanoTime();
        }
        return s;
    }

    private static ToDoubleFunction<StoreWideMeters> value(ToDoubleFunction<StoreStats> figure) {
        return m -> {
            try {
                return figure.applyAsDouble(m.stats());
            } catch (RuntimeException e) {
                LOG.debug("store '{}': cannot read its figures ({})", m.name, e.toString());
                return Double.NaN;
            }
        };
    }

    /**
     * Reads the figures now (which also frees the process slots of dead processes), gives each new
     * named subscription its lag gauge and drops those of deleted ones, and warns when the store is
     * over {@value #FILL_WARNING} full.
     */
    synchronized void refresh() {
        last = null;
        StoreStats s = stats();
        Set<String> subscriptions = s.journal() == null ? Set.of()
                : s.journal().subscriptions().stream().map(StoreStats.SubscriptionStats::name).collect(Collectors.toSet());
        for (String sub : subscriptions) {
            lagGauges.computeIfAbsent(sub, this::lagGauge);
        }
        lagGauges.keySet().removeIf(sub -> {
            if (subscriptions.contains(sub)) {
                return false;
            }
            registry.remove(lagGauges.get(sub));
            return true;
        });
        if (s.fillRatio() > FILL_WARNING && !fillWarned) {
            fillWarned = true;
            LOG.warn("store '{}' is {}% full ({} of {} entries): at 100% puts fail with StoreFullException;"
                    + " see RUNBOOK.md \"Store full\"", name, Math.round(s.fillRatio() * 100), s.entries(), s.capacity());
        } else if (s.fillRatio() < FILL_WARNING - 0.05) {
            fillWarned = false;
        }
    }

    private Meter lagGauge(String subscription) {
        return Gauge.builder("statestore.journal.lag", this, value(s -> lagOf(s, subscription)))
                .tags(tags).tag("subscription", subscription).baseUnit("events")
                .description("Journal entries a named subscription has not delivered yet (store-wide)")
                .strongReference(true).register(registry);
    }

    private static double lagOf(StoreStats s, String subscription) {
        if (s.journal() == null) {
            return Double.NaN;
        }
        return s.journal().subscriptions().stream().filter(x -> x.name().equals(subscription))
                .mapToDouble(StoreStats.SubscriptionStats::lag).findFirst().orElse(Double.NaN);
    }

    @Override
    public synchronized void close() {
        meters.forEach(registry::remove);
        lagGauges.values().forEach(registry::remove);
        lagGauges.clear();
    }
}
