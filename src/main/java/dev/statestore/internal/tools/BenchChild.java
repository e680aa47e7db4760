package dev.statestore.internal.tools;

import dev.statestore.StateStoreException;
import dev.statestore.internal.cli.Main;
import dev.statestore.internal.cli.Rendering;
import dev.statestore.internal.platform.JvmFlags;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of {@code bench}: started as this JVM was, told "go" on its stdin, its stdout lines
 * read on a thread of their own, its stderr passed through; and the result it prints, one JSON line.
 */
final class BenchChild implements AutoCloseable {
    /** What one process measured. */
    record Result(long pid, long ops, long misses, long elapsedNanos, Histogram histogram) {
        double opsPerSecond() {
            return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
        }
    }

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintWriter stdin;

    private BenchChild(Process process) {
        this.process = process;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone; expect() reports it
            }
        }, "bench-child-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    static BenchChild start(List<String> cliArgs) {
        try {
            return new BenchChild(new ProcessBuilder(javaCommand(cliArgs))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next stdout line, within {@code timeoutNanos}. */
    String next(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                return line;
            }
            if (!process.isAlive() && lines.isEmpty()) {
                throw new StateStoreException("bench: child JVM " + process.pid() + " exited with code "
                        + process.exitValue() + " (its errors are above)");
            }
            if (System.nanoTime() > deadline) {
                throw new StateStoreException("bench: child JVM " + process.pid() + " did not answer within "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
            }
        }
    }

    void expect(String expected, long timeoutNanos) throws InterruptedException {
        String line = next(timeoutNanos);
        if (!expected.equals(line)) {
            throw new StateStoreException("bench: child JVM " + process.pid() + " said '" + line + "', not '"
                    + expected + "'");
        }
    }

    JsonNode expectJson(long timeoutNanos) throws InterruptedException {
        String line = next(timeoutNanos);
        try {
            return Rendering.json().readTree(line);
        } catch (IOException e) {
            throw new StateStoreException("bench: child JVM " + process.pid() + " printed '" + line
                    + "' instead of its result");
        }
    }

    void send(String line) {
        stdin.println(line);
    }

    @Override
    public void close() {
        stdin.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The command that starts the CLI in a JVM like this one: the same java, the same JVM options
     * (less those that must not be shared: a debugger port, a CDS dump, a flight recording file),
     * the flags Chronicle needs, and the same jar or class path.
     */
    static List<String> javaCommand(List<String> cliArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String arg : jvmArgs) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-XX:ArchiveClassesAtExit")
                    && !arg.startsWith("-XX:StartFlightRecording") && !arg.startsWith("-XX:FlightRecorderOptions")) {
                cmd.add(arg);
            }
        }
        for (String flag : JvmFlags.required()) { // from the jar's manifest when this JVM was started with -jar
            if (!jvmArgs.contains(flag)) {
                cmd.add(flag);
            }
        }
        String classPath = System.getProperty("java.class.path");
        String command = System.getProperty("sun.java.command", "");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator) && command.startsWith(classPath)) {
            cmd.add("-jar");
            cmd.add(classPath);
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(Main.class.getName());
        }
        cmd.addAll(cliArgs);
        return cmd;
    }

    static ObjectNode resultJson(Result r) {
        ByteBuffer buffer = ByteBuffer.allocate(r.histogram().getNeededByteBufferCapacity());
        int length = r.histogram().encodeIntoCompressedByteBuffer(buffer);
        ObjectNode node = Rendering.json().createObjectNode();
        node.put("pid", r.pid()).put("ops", r.ops()).put("misses", r.misses()).put("elapsedNanos", r.elapsedNanos())
                .put("histogram", Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)));
        return node;
    }

    static Result parseResult(JsonNode node) {
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(node.get("histogram").asText())), 0);
            return new Result(node.get("pid").asLong(), node.get("ops").asLong(), node.get("misses").asLong(),
                    node.get("elapsedNanos").asLong(), h);
        } catch (java.util.zip.DataFormatException | RuntimeException e) {
            throw new StateStoreException("bench: a child's result is unreadable (" + e + "): " + node);
        }
    }
}
