package dev.statestore.internal.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The meters of replication, tag {@code cache=<store>}: {@code statestore.replication.shipped}
 * (changes Kafka acknowledged), {@code .applied} (remote changes applied here), {@code .errors}
 * (failed sends, applies and Kafka calls), {@code .lag} (records of the store's topic not applied
 * yet, from the consumer's view of the partitions' ends).
 */
final class ReplicationMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> shipped = new ConcurrentHashMap<>();
    private final Map<String, Counter> applied = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, Gauge> lags = new ConcurrentHashMap<>();

    ReplicationMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the store's counters at 0, so that dashboards and alerts see them before the first change. */
    void register(String store) {
        shipped(store, 0);
        applied(store, 0);
        counter(errors, "statestore.replication.errors", "Failed sends, applies and Kafka calls of replication", store);
    }

    void shipped(String store, long n) {
        counter(shipped, "statestore.replication.shipped", "Local changes shipped to Kafka and acknowledged", store)
                .increment(n);
    }

    void applied(String store, long n) {
        counter(applied, "statestore.replication.applied", "Remote changes applied to the local store", store).increment(n);
    }

    void error(String store) {
        counter(errors, "statestore.replication.errors", "Failed sends, applies and Kafka calls of replication", store)
                .increment();
    }

    <T> void lag(String store, T source, ToDoubleFunction<T> lag) {
        lags.computeIfAbsent(store, s -> Gauge.builder("statestore.replication.lag", source, lag)
                .description("Records of the store's topic not applied here yet").tag("cache", s).register(registry));
    }

    private Counter counter(Map<String, Counter> counters, String name, String description, String store) {
        return counters.computeIfAbsent(store, s -> Counter.builder(name).description(description).tag("cache", s)
                .register(registry));
    }
}
