package dev.statestore.internal.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's periodic jobs, on one daemon thread: each job runs at a fixed delay after the end of
 * its previous run, so a slow run never piles up. A job that throws is logged and runs again at its
 * next turn; it never stops the others. This is where the housekeeping of later features plugs in
 * (TTL sweeping, journal retention, checkpoints): {@link #every}.
 */
public final class Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Housekeeping(String threadName) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code job} every {@code period}, the first time after one period. */
    public void every(String name, Duration period, Runnable job) {
        long millis = period.toMillis();
        scheduler.scheduleWithFixedDelay(() -> runLogged(name, job), millis, millis, TimeUnit.MILLISECONDS);
    }

    private static void runLogged(String name, Runnable job) {
        long start = System.nanoTime();
        try {
            job.run();
            LOG.debug("housekeeping job '{}' ran in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (RuntimeException | Error e) {
            LOG.warn("housekeeping job '{}' failed; it runs again at its next turn", name, e);
        }
    }

    /** Stops the jobs, waiting up to 10 seconds for a run in progress to end. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a housekeeping job did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
