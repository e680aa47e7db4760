package dev.statestore.internal.replication;

import dev.statestore.StateStore;
import dev.statestore.StoreMap;
import dev.statestore.internal.agent.Scrapes;
import dev.statestore.testkit.ChildJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * One "host" of the replication tests: a data directory of its own and the agent ({@code serve})
 * on it in a child JVM, replicating through the test broker. The test JVM opens the same data
 * directory as any other process on the host would ({@link #store}).
 */
final class Host implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(60);

    final String id;
    final Path data;
    final Path config;
    final int port;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ChildJvm agent;
    private StateStore store;

    Host(Path dir, String id, String bootstrapServers) {
        this.id = id;
        this.data = dir.resolve(id);
        this.port = Scrapes.freePort();
        try {
            Files.createDirectories(data);
            this.config = Files.writeString(dir.resolve(id + ".yaml"), String.join("\n",
                    "metrics:",
                    "  port: " + port,
                    "replication:",
                    "  hostId: " + id,
                    "  kafka:",
                    "    bootstrap.servers: " + bootstrapServers,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the agent and returns once it runs. */
    Host startAgent() {
        log.clear();
        agent = ChildJvm.cli(data, "--config", config.toString(), "serve");
        agent.consumeLines(log::add);
        await(() -> log.stream().anyMatch(l -> l.startsWith("statestore agent running")), START,
                () -> "agent " + id + " did not start; stdout:\n" + String.join("\n", log) + "\nstderr:\n" + agent.stderr());
        return this;
    }

    /** kill -9 of the agent. */
    void killAgent() {
        agent.kill();
        agent = null;
    }

    /** The agent's log lines since it was started. */
    List<String> log() {
        return log;
    }

    /** This host's data directory, opened in the test JVM (another process of the host). */
    StateStore store() {
        if (store == null) {
            store = StateStore.open(data);
        }
        return store;
    }

    boolean has(String storeName) {
        return Files.exists(data.resolve(storeName).resolve("store.json"));
    }

    /** The store once replication has created it here. */
    StoreMap<String, String> map(String storeName) {
        await(() -> has(storeName), START, () -> "store " + storeName + " never appeared on host " + id);
        return store().map(storeName, String.class, String.class);
    }

    HttpResponse<String> health() {
        return Scrapes.get(URI.create("http://127.0.0.1:" + port + "/health"));
    }

    static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
        if (agent != null) {
            agent.close();
        }
    }
}
