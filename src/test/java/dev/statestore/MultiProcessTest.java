package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restart, sharing and concurrent creation, with real child JVMs. */
class MultiProcessTest {
    private static final Duration LINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9() {
        Map<String, String> acked = new LinkedHashMap<>();
        try (ChildJvm writer = ChildJvm.cli(dir, "workload", "write", "sessions", "--count", "100000000")) {
            while (acked.size() < 5_000) {
                record(acked, writer.readLine(LINE));
            }
            writer.kill();
            for (String line : writer.remainingLines(LINE)) {
                record(acked, line);
            }
        }
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertEquals(e.getValue(), sessions.get(e.getKey()), "acknowledged write of " + e.getKey() + " lost");
            }
            assertTrue(sessions.size() >= acked.size());
        }
    }

    private static void record(Map<String, String> acked, String line) {
        if (line != null && line.startsWith("ack ")) {
            String[] parts = line.split(" ");
            acked.put(parts[1], parts[2]);
        }
    }

    @Test
    void readerInAnotherJvmSeesEachWriteRightAfterItsAcknowledgement() {
        try (StateStore store = StateStore.open(dir)) {
            store.map("shared", String.class, String.class); // created before both children attach
        }
        try (ChildJvm writer = ChildJvm.cli(dir, "workload", "write", "shared", "--count", "200", "--prefix", "k");
             ChildJvm reader = ChildJvm.cli(dir, "workload", "read", "shared")) {
            assertEquals("ready", reader.readLine(LINE));
            int checked = 0;
            for (String line; !(line = writer.readLine(LINE)).equals("done"); ) {
                String[] ack = line.split(" "); // ack KEY VALUE: the writer's put has returned
                reader.writeLine(ack[1]);
                assertEquals("value " + ack[1] + " " + ack[2], reader.readLine(LINE),
                        "reader JVM did not see the acknowledged write");
                checked++;
            }
            assertEquals(200, checked);
            reader.closeStdin();
            assertEquals(0, reader.waitFor(LINE), reader.stderr());
            assertEquals(0, writer.waitFor(LINE), writer.stderr());
        }
    }

    @Test
    void threeJvmsCreatingTheSameStoreAtOnceAllSucceedOnTheSameFiles() throws Exception {
        Path go = dir.resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                children.add(ChildJvm.cli(dir, "workload", "open", "fresh", "--await", go.toString()));
            }
            Files.createFile(go);
            for (ChildJvm child : children) {
                String line = child.readLine(LINE);
                assertTrue(line != null && line.startsWith("open "), "child failed to open: " + child.stderr());
                assertEquals(0, child.waitFor(LINE), child.stderr());
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        try (StateStore store = StateStore.open(dir)) {
            Set<String> names = store.stores().stream().map(StoreInfo::name).collect(Collectors.toSet());
            assertEquals(Set.of("fresh"), names);
            StoreMap<String, String> fresh = store.map("fresh", String.class, String.class);
            fresh.put("k", "v");
            assertEquals("v", fresh.get("k"));
        }
        try (var files = Files.list(dir.resolve("fresh"))) {
            List<String> orphans = files.map(p -> p.getFileName().toString()).filter(n -> n.contains("orphan")).toList();
            assertEquals(List.of(), orphans, "a concurrent creator set a map file aside");
        }
    }
}
