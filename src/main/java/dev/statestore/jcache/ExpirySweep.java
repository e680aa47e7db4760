package dev.statestore.jcache;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Removes a cache's expired entries in the background, so an entry nobody reads again does not keep
 * its space: every {@value JCacheProperties#SWEEP_SECONDS} seconds (default 30; 0: never) each
 * open cache whose expiry policy is not eternal passes over its entries and removes the expired ones,
 * each as one atomic step that checks the deadline again (so processes sweeping the same cache at
 * once remove each entry once), reporting them {@code EXPIRED} to its listeners. One daemon thread
 * for the whole JVM.
 */
final class ExpirySweep {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "statestore-jcache-expiry");
        t.setDaemon(true);
        return t;
    });

    private ExpirySweep() {
    }

    /** Schedules {@code sweep} every {@code seconds}; null when {@code seconds} is 0. */
    static ScheduledFuture<?> every(long seconds, Runnable sweep) {
        if (seconds <= 0) {
            return null;
        }
        return TIMER.scheduleWithFixedDelay(sweep, seconds, seconds, TimeUnit.SECONDS);
    }

    static long seconds(String setting) {
        if (setting == null || setting.isBlank()) {
            return 30;
        }
        try {
            long s = Long.parseLong(setting.trim());
            if (s < 0) {
                throw new NumberFormatException();
            }
            return s;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(JCacheProperties.SWEEP_SECONDS + " must be a number of seconds (0: no"
                    + " background sweep), was '" + setting + "'", e);
        }
    }
}
