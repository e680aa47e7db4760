package dev.statestore.internal.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The everyday data commands without picocli: {@code get STORE KEY}, {@code put STORE KEY VALUE}
 * and {@code rm STORE KEY}, with {@code --data DIR} and {@code --config FILE} (or
 * {@code --data=DIR}) before or after the command, each at most once. They run the methods the
 * picocli commands run, print through writers made as picocli makes them, and their errors go
 * through the same handler ({@link Main#handle}): same output, same exit codes.
 *
 * <p>Why: before it parses anything, picocli builds a model of every command by reflection, from
 * class files that the AppCDS archive cannot hold (Java 5 format): about 90 ms of a 0.5 s
 * {@code get} (measured 2026-11-26, BENCHMARKS-HISTORY.md). Any other line is not taken
 * ({@link #parse} returns null) and picocli parses it: another command, another option
 * ({@code --ttl}, {@code --help}), an argument that is empty or starts with {@code -} or {@code @}
 * (an option, picocli's {@code @file}), an option given twice, an argument missing or too many.
 * So usage errors, help and their exit codes stay picocli's. {@code FastPathTest} runs lines both
 * ways and compares.
 */
final class FastPath {
    /** The commands taken, with the number of arguments each takes. */
    private static final Map<String, Integer> COMMANDS = Map.of("get", 2, "put", 3, "rm", 2);

    /** A line taken: the command, its arguments, and the options (null when not given). */
    record Line(String command, List<String> arguments, Path data, Path config) {
    }

    private FastPath() {
    }

    /** Runs {@code args} when it is such a line and returns the exit code; null when picocli is to run it. */
    static Integer run(String... args) {
        Line line = parse(args);
        if (line == null) {
            return null;
        }
        Main main = new Main();
        main.data = line.data();
        main.config = line.config();
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        List<String> a = line.arguments();
        try {
            return switch (line.command()) {
                case "get" -> Commands.Get.get(main, a.get(0), a.get(1), writer(System.out, "sun.stdout.encoding"), err);
                case "put" -> Commands.Put.put(main, a.get(0), a.get(1), a.get(2), null);
                default -> Commands.Rm.rm(main, a.get(0), a.get(1), err);
            };
        } catch (Exception e) { // as picocli's execution exception handler (Main.picocli)
            return Main.handle(e, err);
        }
    }

    /** The line {@code args} if this class runs it, else null. */
    static Line parse(String... args) {
        String command = null;
        List<String> arguments = new ArrayList<>();
        String data = null;
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (name.equals("--data") || name.equals("--config")) {
                String value = eq > 0 ? arg.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
                boolean again = name.equals("--data") ? data != null : config != null;
                if (value == null || !plain(value) || again) {
                    return null;
                }
                if (name.equals("--data")) {
                    data = value;
                } else {
                    config = value;
                }
            } else if (!plain(arg)) {
                return null;
            } else if (command == null) {
                if (!COMMANDS.containsKey(arg)) {
                    return null;
                }
                command = arg;
            } else {
                arguments.add(arg);
            }
        }
        if (command == null || arguments.size() != COMMANDS.get(command)) {
            return null;
        }
        try {
            return new Line(command, List.copyOf(arguments), data == null ? null : Path.of(data),
                    config == null ? null : Path.of(config));
        } catch (InvalidPathException e) {
            return null; // picocli reports it
        }
    }

    /** Not empty, not an option, not an {@code @file}. */
    private static boolean plain(String arg) {
        return !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@");
    }

    /** As picocli's {@code CommandLine.getOut()} / {@code getErr()}. */
    private static PrintWriter writer(OutputStream stream, String encodingProperty) {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset(System.getProperty(encodingProperty)))),
                true);
    }

    private static Charset charset(String name) {
        if (name == null) {
            return Charset.defaultCharset();
        }
        try {
            return Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
