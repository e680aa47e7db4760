package dev.statestore.internal.cli;

import dev.statestore.testkit.ChildJvm;
import dev.statestore.internal.agent.Scrapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code statestore serve} in a child JVM, next to a writer in another: what its endpoint reports of
 * the store as a whole, and its clean stop on SIGTERM. (The agent's own counters, e.g. the exact
 * {@code cache_gets_total}, are checked in {@code dev.statestore.internal.agent.AgentTest}: counters are per
 * process, and this agent makes no gets.)
 */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void serveReportsAWriterInAnotherJvmAndTheStoreWideFiguresThenExitsZeroOnSigterm() throws Exception {
        int port = Scrapes.freePort();
        Path data = dir.resolve("data");
        Path yaml = Files.writeString(dir.resolve("statestore.yaml"), String.join("\n",
                "stores:",
                "  orders:",
                "    keyType: string",
                "    valueType: string",
                "    entries: 100000",
                "metrics:",
                "  port: " + port,
                ""));
        URI base = URI.create("http://127.0.0.1:" + port);
        try (ChildJvm serve = ChildJvm.cli(data, "--config", yaml.toString(), "serve")) {
            String started = awaitLine(serve, line -> line.startsWith("statestore agent running"));
            assertTrue(started.contains(base + "/metrics") && started.contains(base + "/health"), started);

            // stats, from a third JVM: the store as a whole; its own attachment left out
            try (ChildJvm stats = ChildJvm.cli(data, "stats", "orders", "--json")) {
                JsonNode s = JSON.readTree(String.join("\n", stats.remainingLines(START)));
                assertEquals(0, stats.waitFor(START), stats.stderr());
                assertEquals(Set.of(serve.pid()), attachedPids(s), "the agent is attached, stats is not: " + s);
                assertEquals(1_000_000, s.get("capacity").asLong(), "the config's 100000 entries x maxGrowth 10: " + s);
                assertEquals(0, s.get("entries").asLong());
            }

            try (ChildJvm writer = ChildJvm.cli(data, "workload", "write", "orders", "--count", "5000000")) {
                assertTrue(writer.readLine(START).startsWith("ack "), "the writer attached and wrote");

                JsonNode orders = pollHealth(base, h -> attachedPids(h).contains(writer.pid()));
                assertTrue(attachedPids(orders).contains(serve.pid()), "the agent is attached too: " + orders);
                assertEquals("string", orders.get("keyType").asText());

                Map<String, Double> samples = pollMetrics(base, s -> s.getOrDefault("cache_size{cache=\"orders\"}", 0.0) >= 100);
                assertEquals(2.0, samples.get("statestore_attached_processes{cache=\"orders\"}"));
                assertEquals(0.0, samples.get("cache_gets_total{cache=\"orders\",result=\"hit\"}"),
                        "the agent's own counter: its process made no gets");
                assertTrue(samples.get("statestore_journal_length_events{cache=\"orders\"}") >= 100);

                writer.kill();
                JsonNode afterKill = pollHealth(base, h -> !attachedPids(h).contains(writer.pid()));
                assertTrue(afterKill.get("processDeaths").asLong() >= 1, "the dead writer was reaped: " + afterKill);
            }

            ProcessHandle.of(serve.pid()).orElseThrow().destroy(); // SIGTERM
            assertEquals(0, serve.waitFor(Duration.ofSeconds(30)), "exit code after SIGTERM; stderr: " + serve.stderr());
            List<String> rest = serve.remainingLines(Duration.ofSeconds(10));
            assertTrue(rest.stream().anyMatch(l -> l.contains("stopping on SIGTERM")), rest.toString());
            assertTrue(rest.stream().anyMatch(l -> l.endsWith(" - stopped")), rest.toString());
        }
    }

    private static String awaitLine(ChildJvm child, Predicate<String> wanted) {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            String line = child.readLine(left);
            assertNotNull(line, "the child exited before printing the line; stderr:\n" + child.stderr());
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Polls /health until store 'orders' is reported and satisfies {@code condition}; returns that store. */
    private static JsonNode pollHealth(URI base, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode orders = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = Scrapes.get(base.resolve("/health"));
            assertEquals(200, response.statusCode(), response.body());
            JsonNode health = JSON.readTree(response.body());
            assertEquals("up", health.get("status").asText(), response.body());
            for (JsonNode store : health.get("stores")) {
                if (store.get("name").asText().equals("orders")) {
                    orders = store;
                }
            }
            if (orders != null && condition.test(orders)) {
                return orders;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("/health never showed the expected state of 'orders'; last: " + orders);
    }

    private static Map<String, Double> pollMetrics(URI base, Predicate<Map<String, Double>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Double> samples = Map.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = Scrapes.get(base.resolve("/metrics"));
            assertEquals(200, response.statusCode());
            samples = Scrapes.samples(response.body());
            if (condition.test(samples)) {
                return samples;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("/metrics never showed the expected samples; last: " + samples);
    }

    private static Set<Long> attachedPids(JsonNode store) {
        Set<Long> pids = new HashSet<>();
        store.get("attachedProcesses").forEach(p -> pids.add(p.get("pid").asLong()));
        return pids;
    }
}
