package dev.statestore.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running the statestore command line, with the same class path and JVM flags as the
 * test JVM. Its stdout is read line by line on a pump thread so the test can wait for a line with a
 * deadline; stderr goes to a file that {@link #stderr()} returns for failure messages.
 */
public final class ChildJvm implements AutoCloseable {
    private static final String END = "\u0000end";
    private static final String CLI_MAIN = "dev.statestore.internal.cli.Main";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private volatile java.util.function.Consumer<String> sink;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    private final PrintWriter stdin;
    private final Path stderrFile;

    private ChildJvm(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread pump = new Thread(this::pump, "child-" + process.pid() + "-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code statestore --data dataDir args...} in a new JVM. */
    public static ChildJvm cli(Path dataDir, String... args) {
        List<String> cliArgs = new ArrayList<>(List.of("--data", dataDir.toString()));
        cliArgs.addAll(Arrays.asList(args));
        return start(CLI_MAIN, cliArgs);
    }

    /** As {@link #cli} with extra JVM options (e.g. fault injection properties). */
    public static ChildJvm cliWithJvmOptions(List<String> jvmOptions, Path dataDir, String... args) {
        List<String> cliArgs = new ArrayList<>(List.of("--data", dataDir.toString()));
        cliArgs.addAll(Arrays.asList(args));
        List<String> cmd = command(CLI_MAIN, cliArgs);
        cmd.addAll(1, jvmOptions);
        return start(cmd);
    }

    /** The command that starts {@code mainClass} in a JVM like this one. */
    public static List<String> command(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("statestore.test.jvm.flags");
        if (flags == null) {
            throw new IllegalStateException("statestore.test.jvm.flags is not set: run the tests through Maven");
        }
        cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        cmd.add("-Xmx256m");
        if (!mainClass.equals(CLI_MAIN)) { // the command line configures its logging itself (CliLogging)
            cmd.add("-Dlogback.configurationFile=dev/statestore/cli/logback-cli.xml");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    public static ChildJvm start(String mainClass, List<String> args) {
        return start(command(mainClass, args));
    }

    private static ChildJvm start(List<String> command) {
        try {
            Path stderr = Files.createTempFile("child-stderr", ".txt");
            Process p = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .start();
            return new ChildJvm(p, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                java.util.function.Consumer<String> s = sink;
                if (s != null) {
                    s.accept(line);
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process was killed: its stdout closed
        } finally {
            lines.add(END);
            ended.countDown();
        }
    }

    /**
     * From now on hands each stdout line to {@code consumer} on the pump thread instead of queueing
     * it (for children that print more than a test can hold); lines already queued go first.
     */
    public void consumeLines(java.util.function.Consumer<String> consumer) {
        for (String line; (line = lines.poll()) != null; ) {
            if (END.equals(line)) {
                lines.add(END);
                break;
            }
            consumer.accept(line);
        }
        sink = consumer;
    }

    /** Waits until stdout has ended (the process exited or was killed). */
    public void awaitEnd(Duration timeout) {
        try {
            if (!ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("child " + pid() + " stdout did not end within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The next stdout line, or null when stdout ended; fails when none comes within {@code timeout}. */
    public String readLine(Duration timeout) {
        try {
            String line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child " + pid() + " printed no line within " + timeout + "; stderr:\n" + stderr());
            }
            if (END.equals(line)) {
                lines.add(END);
                return null;
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next stdout line if one is waiting, else null (never blocks). */
    public String pollLine() {
        String line = lines.poll();
        if (END.equals(line)) {
            lines.add(END);
            return null;
        }
        return line;
    }

    /** Every stdout line until the process's stdout ends (after it exits or is killed). */
    public List<String> remainingLines(Duration timeout) {
        List<String> rest = new ArrayList<>();
        for (String line; (line = readLine(timeout)) != null; ) {
            rest.add(line);
        }
        return rest;
    }

    /** Writes {@code line} to stdin and returns the next stdout line. */
    public String readLineAfter(String line, Duration timeout) {
        writeLine(line);
        return readLine(timeout);
    }

    public void writeLine(String line) {
        stdin.println(line);
    }

    public void closeStdin() {
        stdin.close();
    }

    /** Waits for the exit and returns the exit code; fails after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child " + pid() + " did not exit within " + timeout + "; stderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    public String stderr() {
        try {
            return Files.readString(stderrFile);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(stderrFile);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
