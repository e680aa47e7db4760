package dev.statestore.internal.replication;

import dev.statestore.StoreMap;
import dev.statestore.testkit.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kafka stopped for 30 seconds: local reads and writes go on, {@code /health} says degraded, and
 * once the broker is back every change made meanwhile, on either host, reaches the other.
 */
class KafkaOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBrokerStoppedForThirtySecondsLosesNothing() {
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"));
             Host a = new Host(dir, "host-a", broker.bootstrapServers());
             Host b = new Host(dir, "host-b", broker.bootstrapServers())) {
            StoreMap<String, String> onA = a.store().map("orders", String.class, String.class);
            onA.put("seed", "1");
            a.startAgent();
            b.startAgent();
            StoreMap<String, String> onB = b.map("orders");
            Host.await(() -> "1".equals(onB.get("seed")), Host.START, () -> "B never got the store");
            assertEquals(200, a.health().statusCode());

            broker.stop();
            long stopped = System.nanoTime();
            int changes = 1_000;
            for (int i = 0; i < changes; i++) {
                onA.put("a-" + i, "v" + i); // local writes go on
                onB.put("b-" + i, "w" + i);
            }
            onA.remove("seed");
            assertEquals(changes, onA.keySet().stream().filter(k -> k.startsWith("a-")).count());
            Host.await(() -> degraded(a.health()), Duration.ofSeconds(45), () -> "A's /health never said degraded: "
                    + a.health().body());
            assertEquals(503, a.health().statusCode());
            while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(30)) { // the outage itself, not a wait for a condition
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }

            broker.start();
            Host.await(() -> onB.size() == 2 * changes && onA.size() == 2 * changes, Duration.ofSeconds(90),
                    () -> "after the outage A has " + onA.size() + " and B has " + onB.size() + " of " + 2 * changes);
            assertEquals(Map.copyOf(onA), Map.copyOf(onB));
            Host.await(() -> a.health().statusCode() == 200, Duration.ofSeconds(30),
                    () -> "A's /health stayed " + a.health().body());
        }
    }

    private static boolean degraded(HttpResponse<String> health) {
        try {
            JsonNode h = JSON.readTree(health.body());
            return "degraded".equals(h.path("status").asText()) && "degraded".equals(h.path("replication").path("status").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
