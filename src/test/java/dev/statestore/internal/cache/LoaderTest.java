package dev.statestore.internal.cache;

import dev.statestore.StateStore;
import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** computeIfAbsent is a cache-aside loader across processes: concurrent loaders of one key compute once. */
class LoaderTest {
    private static final Duration RUN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void twoJvmsComputeIfAbsentTheSameMissingKeyAtOnceAndTheLoaderRunsOnce() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("cache", String.class, String.class); // created before both loaders attach
        }
        Path go = dir.resolve("go");
        Path loads = dir.resolve("loads.txt");
        try (ChildJvm a = loader(go, loads); ChildJvm b = loader(go, loads)) {
            Files.createFile(go);
            String resultA = a.readLine(RUN);
            String resultB = b.readLine(RUN);
            assertEquals(0, a.waitFor(RUN), a.stderr());
            assertEquals(0, b.waitFor(RUN), b.stderr());
            List<String> lines = Files.readAllLines(loads);
            assertEquals(1, lines.size(), "the loader ran " + lines.size() + " times: " + lines);
            assertTrue(resultA.startsWith("result value@"), resultA);
            assertEquals(resultA, resultB, "both JVMs get the one loaded value");
            assertTrue(lines.get(0).equals("loaded " + resultA.substring("result value@".length())), lines.get(0));
        }
    }

    private ChildJvm loader(Path go, Path loads) {
        return ChildJvm.cli(dir, "workload", "load", "cache", "--prefix", "user-42", "--await", go.toString(),
                "--file", loads.toString(), "--load-millis", "500");
    }
}
