package dev.statestore.internal.config;

import dev.statestore.ConfigException;
import dev.statestore.StoreConfig;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code replication:} section of the config file: {@code hostId} (default: derived from the
 * host name and the data directory), {@code topicPrefix} (default {@code statestore.}) and
 * {@code kafka:}, Kafka client properties passed through as they are, of which
 * {@code bootstrap.servers} is required. Properties statestore sets itself (serializers, the
 * idempotent producer, offsets kept with the stores) are refused with the reason.
 */
final class ReplicationSection {
    static final List<String> KEYS = List.of("hostId", "topicPrefix", "kafka");
    /** Kafka client properties that statestore sets itself, with why. */
    static final Map<String, String> RESERVED = Map.of(
            "key.serializer", "keys are shipped as the store's key bytes",
            "value.serializer", "values are shipped as the store's value bytes",
            "key.deserializer", "keys are read as the store's key bytes",
            "value.deserializer", "values are read as the store's value bytes",
            "enable.auto.commit", "applied offsets are kept with each store, not committed to Kafka",
            "group.id", "every host reads every partition of every store's topic, without a consumer group",
            "enable.idempotence", "the producer is idempotent: a retried send never duplicates or reorders a change");

    private ReplicationSection() {
    }

    /** The section as a {@link StoreConfig.Replication}, or null when the file has none. */
    static StoreConfig.Replication parse(JsonNode node, Set<String> localStores, Path dataDir, String source) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException(source + ": replication must be a section of keys (hostId, topicPrefix, kafka),"
                    + " was '" + node.asText() + "'");
        }
        ConfigLoader.checkKeys(node, "replication.", KEYS, source);
        String hostId = scalar(node, "hostId", source);
        if (hostId == null) {
            hostId = StoreConfig.Replication.defaultHostId(dataDir);
        } else if (!StoreConfig.Replication.HOST_ID.matcher(hostId).matches()) {
            throw new ConfigException(source + ": key replication.hostId = '" + hostId + "' must be 1 to 64 characters of"
                    + " A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit (each host needs its own), e.g. host-a");
        }
        String prefix = scalar(node, "topicPrefix", source);
        if (prefix == null) {
            prefix = StoreConfig.Replication.DEFAULT_TOPIC_PREFIX;
        } else if (!StoreConfig.Replication.TOPIC_PREFIX.matcher(prefix).matches()) {
            throw new ConfigException(source + ": key replication.topicPrefix = '" + prefix + "' must be at most 120"
                    + " characters of A-Z, a-z, 0-9, '.', '_' and '-' (Kafka's topic characters), e.g. statestore.");
        }
        JsonNode kafkaNode = node.get("kafka");
        if (kafkaNode == null || kafkaNode.isNull() || !kafkaNode.isObject()) {
            throw new ConfigException(source + ": replication.kafka is missing or not a section: give the Kafka client"
                    + " properties there, at least bootstrap.servers (e.g. 'kafka: {bootstrap.servers: 127.0.0.1:9092}')");
        }
        Map<String, String> kafka = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : kafkaNode.properties()) {
            String key = p.getKey();
            if (RESERVED.containsKey(key)) {
                throw new ConfigException(source + ": key replication.kafka." + key + " is set by statestore ("
                        + RESERVED.get(key) + "): remove it");
            }
            JsonNode v = p.getValue();
            if (v == null || v.isNull() || !v.isValueNode()) {
                throw new ConfigException(source + ": key replication.kafka." + key + " must be a single value (Kafka"
                        + " client properties are passed through as text)");
            }
            kafka.put(key, v.asText());
        }
        String servers = kafka.get("bootstrap.servers");
        if (servers == null || servers.isBlank()) {
            throw new ConfigException(source + ": key replication.kafka.bootstrap.servers is missing: set it to the"
                    + " brokers' host:port list, e.g. 127.0.0.1:9092");
        }
        return new StoreConfig.Replication(hostId, prefix, kafka, localStores);
    }

    private static String scalar(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(source + ": key replication." + key + " must be a single value, not a section");
        }
        return v.asText();
    }
}
