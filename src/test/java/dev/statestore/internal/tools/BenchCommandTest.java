package dev.statestore.internal.tools;

import dev.statestore.internal.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench} runs a tiny load and reports what it counted, in text and JSON, with child JVMs
 * too. Only that the output parses and counts something is checked: no figure is asserted.
 */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void mixedLoadReportsOperationsAndLatencyAsJson() throws Exception {
        JsonNode result = JSON.readTree(run("bench", "--op", "mixed", "--keys", "500", "--threads", "2",
                "--duration", "1s", "--warmup", "0s", "--json"));
        assertEquals("mixed", result.get("op").asText());
        assertTrue(result.get("ops").asLong() > 0, result.toString());
        assertEquals(0, result.get("misses").asLong(), "every key was filled before the gets: " + result);
        assertTrue(result.get("opsPerSecond").asDouble() > 0, result.toString());
        JsonNode latency = result.get("latencyMicros");
        assertTrue(latency.get("p50").asDouble() > 0 && latency.get("max").asDouble() >= latency.get("p99").asDouble(),
                result.toString());
    }

    @Test
    void putsFromTwoProcessesAreAddedUp() throws Exception {
        JsonNode result = JSON.readTree(run("bench", "--op", "put", "--keys", "500", "--processes", "2",
                "--duration", "1s", "--warmup", "0s", "--json"));
        assertEquals(2, result.get("processes").asInt(), result.toString());
        List<Long> pids = new ArrayList<>();
        long sum = 0;
        for (JsonNode p : result.get("perProcess")) {
            assertTrue(p.get("ops").asLong() > 0, result.toString());
            pids.add(p.get("pid").asLong());
            sum += p.get("ops").asLong();
        }
        assertEquals(2, pids.stream().distinct().count(), "two distinct processes: " + result);
        assertEquals(sum, result.get("ops").asLong());
    }

    @Test
    void subscriberInThisJvmTimesEventsWrittenByAChildJvm() throws Exception {
        String text = run("bench", "--op", "subscribe-latency", "--wait", "park", "--keys", "100", "--rate", "500",
                "--duration", "1s", "--warmup", "0.5s");
        assertTrue(text.contains("subscribe-latency"), text);
        long events = Long.parseLong(text.replaceAll("(?s).*\\n\\s*(\\d+) events:.*", "$1"));
        assertTrue(events > 0, text);
        assertTrue(text.matches("(?s).*latency \\(us\\): p50 [0-9.]+ .*p99\\.9 [0-9.]+ .*"), text);
    }

    @Test
    void openReportsTheReattachTimes() throws Exception {
        JsonNode result = JSON.readTree(run("bench", "--op", "open", "--keys", "200", "--repeat", "3", "--json"));
        assertEquals(3, result.get("openToFirstGetMillis").size(), result.toString());
        assertTrue(result.get("medianMillis").asDouble() > 0, result.toString());
    }

    @Test
    void badOperationIsAUsageError() {
        assertEquals(Main.USAGE, Main.run("--data", dir.toString(), "bench", "--op", "scan"));
    }

    private String run(String... args) {
        List<String> all = new ArrayList<>(List.of("--data", dir.toString()));
        all.addAll(List.of(args));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(all.toArray(new String[0]));
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(Main.OK, code, "exit code; stdout: " + out);
        return out;
    }
}
