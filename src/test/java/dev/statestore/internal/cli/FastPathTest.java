package dev.statestore.internal.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The command line's fast path (get, put, rm without picocli) takes only the lines it runs exactly
 * as picocli would, and leaves every other line to picocli.
 */
class FastPathTest {
    @TempDir
    Path dir;

    @Test
    void takesTheSimpleDataCommandsWithTheirOptionsBeforeOrAfter() {
        assertEquals(new FastPath.Line("get", List.of("s", "k"), null, null), FastPath.parse("get", "s", "k"));
        assertEquals(new FastPath.Line("put", List.of("s", "k", "two words"), Path.of("d"), Path.of("c.yaml")),
                FastPath.parse("--data", "d", "put", "--config=c.yaml", "s", "k", "two words"));
        assertEquals(new FastPath.Line("rm", List.of("s", "k"), Path.of("d"), null), FastPath.parse("rm", "s", "--data=d", "k"));
        assertEquals(new FastPath.Line("get", List.of("get", "a=b"), Path.of("get"), null),
                FastPath.parse("--data", "get", "get", "get", "a=b"));
    }

    @Test
    void leavesEveryOtherLineToPicocli() {
        List<List<String>> lines = List.of(
                List.of(), List.of("get"), List.of("get", "s"), List.of("get", "s", "k", "extra"), List.of("put", "s", "k"),
                List.of("rm", "s"), List.of("ls"), List.of("dump", "s"), List.of("help", "get"), List.of("GET", "s", "k"),
                List.of("s", "get", "k"), List.of("--help"), List.of("-h"), List.of("-V"), List.of("--version"),
                List.of("get", "--help", "s", "k"), List.of("put", "s", "k", "v", "--ttl", "30s"),
                List.of("put", "s", "k", "v", "--ttl=30s"), List.of("get", "-s", "k"), List.of("get", "s", "-"),
                List.of("get", "--", "s", "k"), List.of("get", "s", "@args.txt"), List.of("@args.txt"), List.of("get", "", "k"),
                List.of("--data"), List.of("get", "s", "k", "--data"), List.of("--data", "-d", "get", "s", "k"),
                List.of("--data=", "get", "s", "k"), List.of("--data", "@d", "get", "s", "k"),
                List.of("--data", "d", "--data", "d", "get", "s", "k"), List.of("--data", "d", "get", "--data=d", "s", "k"),
                List.of("--config", "a", "get", "s", "k", "--config", "b"), List.of("--datadir", "d", "get", "s", "k"),
                List.of("--data", "nul\u0000", "get", "s", "k"));
        for (List<String> line : lines) {
            assertNull(FastPath.parse(line.toArray(String[]::new)), line.toString());
        }
    }

    /** The same lines on two data directories, one through the fast path, one through picocli. */
    @Test
    void printsAndExitsAsPicocliDoes() throws IOException {
        Path config = Files.writeString(dir.resolve("statestore.yaml"), "dataDir: '" + dir.resolve("B") + "'\n");
        List<List<String>> lines = List.of(
                List.of("put", "s", "k", "v"), List.of("get", "s", "k"), List.of("put", "s", "k", "wert \u00fc \u2603"),
                List.of("get", "s", "k"), List.of("get", "s", "nope"), List.of("get", "nostore", "k"), List.of("get", "Bad/Name", "k"),
                List.of("rm", "s", "nope"), List.of("rm", "nostore", "k"), List.of("put", "Bad/Name", "k", "v"),
                List.of("rm", "s", "k"), List.of("get", "s", "k"));
        List<Outcome> outcomes = new ArrayList<>();
        for (List<String> line : lines) {
            List<String> a = new ArrayList<>(List.of("--data", dir.resolve("A").toString()));
            a.addAll(line);
            Outcome picocli = capture(() -> Main.picocli(a.toArray(String[]::new)));
            List<String> b = new ArrayList<>(line);
            b.add(1, "--data=" + dir.resolve("B"));
            assertNotNull(FastPath.parse(b.toArray(String[]::new)), b.toString());
            Outcome fast = capture(() -> Main.run(b.toArray(String[]::new)));
            assertEquals(picocli, fast.replace(dir.resolve("B").toString(), dir.resolve("A").toString()), line.toString());
            outcomes.add(fast);
        }
        assertEquals(new Outcome(0, "v\n", ""), outcomes.get(1));
        assertEquals(new Outcome(0, "wert \u00fc \u2603\n", ""), outcomes.get(3));
        assertEquals(List.of(1, 1, 2, 1, 1, 2, 0, 1), outcomes.subList(4, 12).stream().map(Outcome::code).toList());
        // the config file names B as the data directory
        assertEquals(0, Main.run("--data=" + dir.resolve("B"), "put", "s", "c", "from B"));
        List<String> viaConfig = List.of("get", "--config", config.toString(), "s", "c");
        assertNotNull(FastPath.parse(viaConfig.toArray(String[]::new)));
        assertEquals(new Outcome(0, "from B\n", ""), capture(() -> Main.run(viaConfig.toArray(String[]::new))));
    }

    /** The exit code, stdout, and stderr less logging lines (their time stamps differ between runs). */
    private record Outcome(int code, String out, String err) {
        Outcome replace(String from, String to) {
            return new Outcome(code, out.replace(from, to), err.replace(from, to));
        }
    }

    private interface Command {
        int run();
    }

    private static Outcome capture(Command command) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = command.run();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String errText = Arrays.stream(err.toString(StandardCharsets.UTF_8).split("(?<=\n)"))
                .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*\\R?"))
                .collect(Collectors.joining());
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), errText);
    }
}
