package dev.statestore.internal.replication;

import dev.statestore.MapOptions;
import dev.statestore.StoreMap;
import dev.statestore.testkit.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

            long start = System.nanoTime();
            onA.put("hello", "world");
            Host.await(() -> "world".equals(onB.get("hello")), Duration.ofSeconds(1),
                    () -> "a put on A was not read on B within a second");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, millis + " ms");
            onA.remove("hello");
            Host.await(() -> onB.get("hello") == null, Duration.ofSeconds(1), () -> "a remove on A did not reach B");
            assertEquals("the agents ran", onB.get("before"));
        }
    }
}
