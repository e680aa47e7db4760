package dev.statestore.internal.chronicle;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.testkit.ChildJvm;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Chronicle's native POSIX binding is loaded on first use, not by Chronicle's start-up: a reader
 * never loads it, a writer loads it when the journal opens (before any lock), and it is the
 * provider Chronicle chooses itself. In fresh JVMs: in a JUnit JVM such as this one Chronicle skips
 * the eager load anyway.
 */
class DeferredPosixTest {
    @TempDir
    Path dir;

    @Test
    void aReaderNeverLoadsTheNativeBindingAndTheJournalLoadsTheRealOneBeforeWriting() throws Exception {
        Path data = storeWithOneEntry();
        assertEquals(List.of("after open and get: none chosen", "after put: JNRPosixAPI", "value v"),
                probe(data, List.of()));
    }

    @Test
    void aJvmWithItsOwnChronicleHooksKeepsTheEagerLoad() throws Exception {
        Path data = storeWithOneEntry();
        assertEquals(List.of("after open and get: JNRPosixAPI", "after put: JNRPosixAPI", "value v"),
                probe(data, List.of("-D" + DeferredPosix.POST_INIT_PROPERTY + "=")));
    }

    private Path storeWithOneEntry() {
        Path data = dir.resolve("data");
        try (StateStore store = StateStore.open(data)) {
            store.map("s", String.class, String.class).put("k", "v");
        }
        return data;
    }

    private List<String> probe(Path data, List<String> jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(ChildJvm.command(Probe.class.getName(), List.of(data.toString())));
        cmd.addAll(1, jvmOptions);
        Path out = dir.resolve("probe.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish; output:\n" + Files.readString(out));
        }
        assertEquals(0, p.exitValue(), Files.readString(out));
        return Files.readAllLines(out);
    }

    /** The child JVM: reads the store, then writes to it, saying which POSIX provider is chosen. */
    public static final class Probe {
        public static void main(String[] args) {
            try (StateStore store = StateStore.open(Path.of(args[0]))) {
                StoreMap<String, String> map = store.map("s", String.class, String.class);
                String value = map.get("k");
                System.out.println("after open and get: " + chosen());
                map.put("k2", "v2");
                System.out.println("after put: " + chosen());
                System.out.println("value " + value);
            }
        }

        private static String chosen() {
            PosixAPI chosen = PosixAPIHolder.POSIX_API;
            return chosen == null ? "none chosen" : chosen.getClass().getSimpleName();
        }
    }
}
