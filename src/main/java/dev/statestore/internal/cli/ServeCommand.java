package dev.statestore.internal.cli;

import dev.statestore.StoreConfig;
import dev.statestore.internal.agent.Agent;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.JvmFlags;
import dev.statestore.internal.platform.ProcessIdentity;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code statestore serve}: runs the {@link Agent} in the foreground until SIGTERM or SIGINT
 * (Ctrl-C), then closes it and the stores and exits 0. Logs go to stdout through
 * {@code logback.xml}: the one beside the config file, else {@code config/logback.xml}, else the
 * built-in copy of it (unless {@code -Dlogback.configurationFile} names another).
 */
@Command(name = "serve", description = "Run the agent: attach the configured stores (and every store of the data"
        + " directory), keep them tidy, and serve Prometheus metrics and a health report over HTTP"
        + " (metrics: in the config; default http://127.0.0.1:9464/metrics and /health). Stops cleanly on"
        + " SIGTERM or Ctrl-C.")
public final class ServeCommand extends Commands.Base {
    static final String BUILT_IN_LOGBACK = "dev/statestore/agent/logback-agent.xml";
    private static final String CLI_LOGBACK = "dev/statestore/cli/logback-cli.xml";

    @Override
    public Integer call() throws InterruptedException {
        Path configFile = main.config != null ? main.config : Files.exists(Main.DEFAULT_CONFIG) ? Main.DEFAULT_CONFIG : null;
        configureLogging(configFile);
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        StoreConfig config = main.storeConfig();
        JvmFlags.prepare();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<String> stoppedBy = new AtomicReference<>();
        // a signal during the start-up is handled once the agent runs: it stops at once, cleanly
        boolean signals = onSignal("TERM", stop, stoppedBy) & onSignal("INT", stop, stoppedBy);
        DefaultStateStore store = DefaultStateStore.open(config);
        Agent agent;
        try {
            agent = Agent.start(store, config);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Runnable closeBoth = () -> {
            try {
                agent.close();
            } finally {
                store.close();
            }
        };
        // Only the CLI owns a shutdown hook: for the ends of the JVM that are not SIGTERM/SIGINT
        // (SIGHUP, System.exit elsewhere), so that the stores are still released cleanly.
        AtomicReference<Runnable> closeAll = new AtomicReference<>(closeBoth);
        Thread hook = new Thread(() -> closeAll.get().run(), "statestore-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            URI endpoint = agent.endpoint();
            String where = endpoint == null ? "no HTTP endpoint (metrics.enabled: false)"
                    : "metrics at " + endpoint + "/metrics, health at " + endpoint + "/health";
            out().println("statestore agent running (pid " + ProcessIdentity.pid() + ", data " + store.dataDir() + ", "
                    + agent.stores().size() + " store(s)): " + where + "; stop with Ctrl-C or SIGTERM");
            out().flush();
            if (!signals) {
                log.warn("cannot handle SIGTERM/SIGINT here: a stop will end the JVM through its shutdown hook (exit 143)");
            }
            stop.await();
            log.info("stopping on SIG{}: closing the stores", stoppedBy.get());
        } finally {
            closeAll.set(() -> { });
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or ran
            }
            closeBoth.run();
        }
        log.info("stopped");
        return Main.OK;
    }

    /**
     * Makes signal {@code name} count {@code stop} down instead of ending the JVM, so that the
     * agent closes on the main thread and the JVM exits 0. A second signal ends the JVM at once.
     * Through reflection: {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to
     * handle a signal, and naming it in the source draws a warning that cannot be suppressed.
     *
     * @return false when the signal cannot be handled (e.g. the JVM runs with -Xrs)
     */
    private static boolean onSignal(String name, CountDownLatch stop, AtomicReference<String> stoppedBy) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                if (stop.getCount() == 0) {
                                    Runtime.getRuntime().halt(128 + (name.equals("INT") ? 2 : 15));
                                }
                                stoppedBy.compareAndSet(null, name);
                                stop.countDown();
                                return null;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                return "statestore serve SIG" + name + " handler";
                        }
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Points Logback at the agent's configuration: {@code logback.xml} beside the config file, else
     * {@code config/logback.xml}, else the built-in one. A configuration the operator chose with
     * {@code -Dlogback.configurationFile} is left alone.
     */
    public static void configureLogging(Path configFile) {
        String chosen = System.getProperty("logback.configurationFile");
        if (chosen != null && !chosen.equals(CLI_LOGBACK)) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) {
            return;
        }
        URL url = null;
        try {
            Path beside = configFile != null && configFile.toAbsolutePath().getParent() != null
                    ? configFile.toAbsolutePath().getParent().resolve("logback.xml") : null;
            Path local = Path.of("config", "logback.xml");
            if (beside != null && Files.isRegularFile(beside)) {
                url = beside.toUri().toURL();
            } else if (Files.isRegularFile(local)) {
                url = local.toUri().toURL();
            } else {
                url = ServeCommand.class.getClassLoader().getResource(BUILT_IN_LOGBACK);
            }
            if (url == null) {
                return;
            }
            LoggerContext context = (LoggerContext) factory;
            context.reset();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(url);
        } catch (java.net.MalformedURLException | JoranException e) {
            System.err.println("statestore: cannot read the logging configuration " + url + " (" + e + "); logging to stderr");
        }
    }
}
