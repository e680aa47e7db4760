package dev.statestore.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The logging of the one-shot commands, set up in code: warnings and errors (Chronicle's and
 * statestore's) on stderr, so that stdout carries only the command's output (values, NDJSON).
 *
 * <p>A logback {@link Configurator}, listed in {@code META-INF/services}: logback asks such
 * configurators before it looks for any XML. It configures only after {@link #enable()}, which
 * {@link Main#main} calls unless {@code -Dlogback.configurationFile} names a configuration; in every
 * other JVM (the library in a user's application, the tests) it stands aside and logback goes on
 * as if it were not there. Code rather than XML because parsing an XML configuration (Joran and the
 * JDK's SAX parser) cost about 5 % of the start of a {@code get} (measured 2026-11-26,
 * BENCHMARKS-HISTORY.md). The agent ({@code serve}) replaces it with its own configuration
 * ({@link ServeCommand#configureLogging}). {@code dev/statestore/cli/logback-cli.xml} is the same
 * configuration as a file, for JVMs that do not start through {@link Main#main} (JMH, the tests'
 * child JVMs); {@code CliLoggingTest} keeps the two alike.
 */
public final class CliLogging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    private static volatile boolean enabled;

    /** For {@link java.util.ServiceLoader}. */
    public CliLogging() {
        // configures nothing until configure() is called after enable()
    }

    /** Makes the next initialization of logback in this JVM use this configuration. */
    static void enable() {
        enabled = true;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!enabled) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Root, {@code net.openhft} and {@code dev.statestore} at WARN, to one stderr appender. */
    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("net.openhft").setLevel(Level.WARN);
        context.getLogger("dev.statestore").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }
}
