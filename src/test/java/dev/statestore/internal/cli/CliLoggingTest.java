package dev.statestore.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The command line's logging in code is the configuration logback-cli.xml describes. */
class CliLoggingTest {
    @Test
    void theConfigurationInCodeIsTheOneOfTheXmlFile() throws Exception {
        LoggerContext inCode = new LoggerContext();
        CliLogging.apply(inCode);
        LoggerContext fromXml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(CliLoggingTest.class.getClassLoader().getResource("dev/statestore/cli/logback-cli.xml"));

        assertEquals(describe(fromXml), describe(inCode));
        assertEquals("[ROOT=WARN, net.openhft=WARN, dev.statestore=WARN, dev.statestore.internal.map.StoreOpener=WARN,"
                + " STDERR: ConsoleAppender System.err " + CliLogging.PATTERN + "]", describe(inCode).toString());
    }

    @Test
    void standsAsideUntilEnabled() {
        // the surefire JVM never ran Main.main: a library user's logback goes on to its own configuration
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new CliLogging().configure(new LoggerContext()));
    }

    private static List<String> describe(LoggerContext context) {
        List<String> d = new ArrayList<>();
        for (String name : List.of("ROOT", "net.openhft", "dev.statestore", "dev.statestore.internal.map.StoreOpener")) {
            Level level = context.getLogger(name).getEffectiveLevel();
            d.add(name + "=" + level);
        }
        Iterator<Appender<ILoggingEvent>> appenders = context.getLogger("ROOT").iteratorForAppenders();
        while (appenders.hasNext()) {
            Appender<ILoggingEvent> a = appenders.next();
            ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) a;
            PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
            assertNotNull(encoder);
            d.add(a.getName() + ": ConsoleAppender " + console.getTarget() + " " + encoder.getPattern());
        }
        return d;
    }
}
