package dev.statestore;

import dev.statestore.testkit.ChildJvm;
import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up: no JVM that uses statestore runs javac. chronicle-values compiles the native
 * implementation of a value interface with javac at run time (~1 s, ~1000 javac classes) unless
 * {@code Foo$$Native} is already on the class path; the build generates the one Chronicle Map needs
 * ({@code VanillaGlobalMutableState$$Native}, see pom.xml and src/build/GenerateChronicleValues.java).
 */
class StartupClassTest {
    private static final String NATIVE = "net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native";

    @TempDir
    Path dir;

    @Test
    void nativeImplementationOfTheGlobalStateIsBuiltIntoStatestore() throws Exception {
        Class<?> generated = Class.forName(NATIVE, false, StartupClassTest.class.getClassLoader());
        // what chronicle-values hands to Chronicle Map is our class, not one it compiled itself
        assertSame(generated, Values.nativeClassFor(VanillaGlobalMutableState.class));
        Path from = Path.of(generated.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path chronicleMap = Path.of(VanillaGlobalMutableState.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertNotEquals(chronicleMap, from, "generated class should come from statestore's build output");
    }

    /** open, put, get and subscribe, for every built-in type, in a fresh JVM: javac must not run. */
    @Test
    void noJavacCompilationInAFreshJvm() throws Exception {
        Path log = dir.resolve("class-load.log");
        List<String> cmd = new ArrayList<>(ChildJvm.command(Probe.class.getName(), List.of(dir.resolve("data").toString())));
        cmd.add(1, "-Xlog:class+load=info:file=" + log);
        Path out = dir.resolve("probe.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish; output:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("probe ok"), output);

        List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" " + NATIVE + " source: file:")),
                "the probe should have loaded " + NATIVE + " from the class path");
        // CompilerUtils' static initializer touches JavacTool (a handful of classes); compiling
        // anything loads the compiler proper
        List<String> javac = loaded.stream()
                .filter(l -> l.contains(" com.sun.tools.javac.main.JavaCompiler ")
                        || l.contains(" com.sun.tools.javac.comp.")
                        || (l.contains("$$Native") && l.contains("__JVM_DefineClass__")))
                .collect(Collectors.toList());
        assertTrue(javac.isEmpty(), "javac ran at run time:\n" + String.join("\n", javac));
    }

    /** The child JVM: a data directory as the one argument. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Path data = Path.of(args[0]);
            for (int round = 0; round < 2; round++) { // create, then reopen
                try (StateStore store = StateStore.open(data)) {
                    exercise(store.map("text", String.class, String.class), "k", "v");
                    exercise(store.map("longs", Long.class, Long.class), 1L, 2L);
                    exercise(store.map("ints", Integer.class, Integer.class), 3, 4);
                    exercise(store.map("bytes", String.class, byte[].class), "b", new byte[] {5});
                }
            }
            System.out.println("probe ok");
        }

        private static <K, V> void exercise(StoreMap<K, V> map, K key, V value) throws InterruptedException, IOException {
            map.put(key, value);
            if (map.get(key) == null) {
                throw new AssertionError("no value for " + key);
            }
            CountDownLatch seen = new CountDownLatch(1);
            try (Subscription s = map.subscribe(Position.START, e -> seen.countDown())) {
                if (!seen.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("no journal event within 30 s");
                }
            }
        }
    }
}
