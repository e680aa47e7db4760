package dev.statestore.internal.cli;

import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user runs it: a new JVM per command, exit codes, stdout and stderr. */
class CliTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Result run(String... args) {
        try (ChildJvm child = ChildJvm.cli(dir, args)) {
            child.closeStdin();
            List<String> out = new ArrayList<>(child.remainingLines(WAIT));
            int code = child.waitFor(WAIT);
            return new Result(code, out, child.stderr());
        }
    }

    private record Result(int code, List<String> out, String err) {
    }

    @Test
    void putInOneProcessThenGetInAnotherPrintsTheValue() {
        assertEquals(0, run("put", "sessions", "user-42", "hello").code());
        Result get = run("get", "sessions", "user-42");
        assertEquals(0, get.code(), get.err());
        assertEquals(List.of("hello"), get.out());
    }

    @Test
    void exitCodesSayNotFoundUsageAndStoreError() throws IOException {
        run("put", "s", "k", "v");
        Result missingKey = run("get", "s", "nope");
        assertEquals(1, missingKey.code());
        assertTrue(missingKey.err().startsWith("statestore: no key 'nope'"), missingKey.err());
        assertEquals(1, run("rm", "s", "nope").code());
        assertEquals(1, run("get", "nostore", "k").code());

        Result badName = run("get", "Bad/Name", "k");
        assertEquals(2, badName.code());
        assertTrue(badName.err().startsWith("statestore: Invalid store name 'Bad/Name'"), badName.err());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("tail", "s", "--from", "yesterday").code());

        Files.write(dir.resolve("s").resolve("map.dat"), new byte[] {1, 2, 3});
        Result corrupt = run("get", "s", "k");
        assertEquals(3, corrupt.code());
        assertTrue(corrupt.err().startsWith("statestore: Store 's'"), corrupt.err());
    }

    /** The launcher's archive training (ops/statestore): a failure would silently cost every command its AppCDS start-up. */
    @Test
    void cdsTrainingRunsTheCommonCommandsAndTheAgentInItsDirectory() {
        Path training = dir.resolve("training");
        Result result = run("cds-training", training.toString());
        assertEquals(0, result.code(), result.err());
        assertTrue(!result.err().contains("failed"), result.err());
        assertTrue(result.out().contains("value"), "get printed the value: " + result.out());
        assertTrue(Files.isRegularFile(training.resolve("config").resolve("statestore.yaml")));
        assertTrue(Files.isRegularFile(training.resolve("data").resolve("cds-training").resolve("store.json")));
        assertTrue(Files.isRegularFile(training.resolve("data").resolve("cds-served").resolve("store.json")),
                "the agent created the store its config names");
    }

    /** Logging (CliLogging): warnings, ours and Chronicle's, on stderr in one format; no INFO; stdout only the output. */
    @Test
    void warningsGoToStderrAndStdoutCarriesOnlyTheCommandsOutput() {
        Result put = run("put", "w", "k", "v");
        assertEquals(0, put.code(), put.err());
        assertEquals(List.of(), put.out());
        assertEquals("", put.err(), "the INFO 'created store' is not shown");
        Result rebuild = run("rebuild", "w");
        assertEquals(0, rebuild.code(), rebuild.err());
        assertTrue(rebuild.err().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  d\\.s\\.i\\.m\\.StoreOpener - store 'w': map"
                + " rebuilt from checkpoint -?\\d+ and 1 journal events; previous file kept as .*\\R"), rebuild.err());
        assertEquals(1, rebuild.out().size(), rebuild.out().toString());
        assertTrue(!rebuild.out().get(0).contains("WARN"), rebuild.out().toString());
    }

    @Test
    void dumpThenLoadIntoAnotherStoreCopiesEveryEntry() throws IOException {
        run("put", "src", "a", "1");
        run("put", "src", "b", "two words");
        run("rm", "src", "a");
        run("put", "src", "c", "{\"json\": true}");
        Result dump = run("dump", "src");
        assertEquals(0, dump.code(), dump.err());
        assertEquals(2, dump.out().size());
        Path file = dir.resolve("dump.ndjson");
        Files.write(file, dump.out());
        try (ChildJvm load = ChildJvm.cli(dir, "load", "copy")) {
            for (String line : Files.readAllLines(file)) {
                load.writeLine(line);
            }
            load.closeStdin();
            assertEquals(0, load.waitFor(WAIT), load.stderr());
        }
        assertEquals(List.of("two words"), run("get", "copy", "b").out());
        assertEquals(List.of("{\"json\": true}"), run("get", "copy", "c").out());
        assertEquals(1, run("get", "copy", "a").code());
    }

    @Test
    void lsListsEachStoreWithTypesAndEntries() {
        run("put", "alpha", "k", "v");
        run("put", "beta", "k1", "v");
        run("put", "beta", "k2", "v");
        Result ls = run("ls");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().get(0).startsWith("NAME"), ls.out().toString());
        assertTrue(ls.out().get(1).matches("alpha\\s+string\\s+string\\s+1\\s+.*"), ls.out().toString());
        assertTrue(ls.out().get(2).matches("beta\\s+string\\s+string\\s+2\\s+.*"), ls.out().toString());
    }

    @Test
    void tailPrintsTheJournalAsNdjsonAndVerifyAgrees() {
        run("put", "t", "k", "v1");
        run("put", "t", "k", "v2");
        run("rm", "t", "k");
        Result tail = run("tail", "t");
        assertEquals(3, tail.out().size(), tail.out().toString());
        assertTrue(tail.out().get(0).matches(
                        "\\{\"seq\":\\d+,\"time\":\"[^\"]+\",\"type\":\"PUT\",\"key\":\"k\",\"value\":\"v1\",\"pid\":\\d+}"),
                tail.out().get(0));
        assertTrue(tail.out().get(2).contains("\"type\":\"REMOVE\""), tail.out().get(2));
        Result verify = run("verify", "t");
        assertEquals(0, verify.code(), verify.err());
        assertTrue(verify.out().get(0).contains("agree"), verify.out().toString());
    }

    @Test
    void aJvmWithoutChronicleFlagsGetsOneErrorListingThem() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=dev/statestore/cli/logback-cli.xml",
                "dev.statestore.internal.cli.Main", "--data", dir.toString(), "put", "s", "k", "v"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertEquals(3, p.waitFor());
            assertTrue(output.startsWith("statestore: This JVM lacks flags that Chronicle"), output);
            assertTrue(output.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), output);
            assertTrue(output.contains("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"), output);

            // the flags it lists, added as written: the command works, and this JVM version prints no warning
            String listed = output.substring(output.indexOf("Start java with all of: ") + "Start java with all of: ".length())
                    .strip();
            List<String> fixed = new ArrayList<>(cmd);
            fixed.addAll(1, List.of(listed.split("\\s+")));
            Process again = new ProcessBuilder(fixed).redirectErrorStream(true).start();
            String fixedOutput = new String(again.getInputStream().readAllBytes());
            assertEquals(0, again.waitFor(), fixedOutput);
            assertFalse(fixedOutput.contains("WARNING"), "Java " + Runtime.version().feature() + ": " + fixedOutput);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
