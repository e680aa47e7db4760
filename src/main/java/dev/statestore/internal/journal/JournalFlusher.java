package dev.statestore.internal.journal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's one thread that forces the journals in {@link dev.statestore.Durability#ASYNC} to disk,
 * each once every {@link Journal#ASYNC_FLUSH_MILLIS} when it was appended to. A daemon, started with
 * the first such journal; it never keeps the JVM alive.
 */
final class JournalFlusher {
    private static final Set<Journal> JOURNALS = ConcurrentHashMap.newKeySet();
    private static volatile ScheduledExecutorService executor;

    private JournalFlusher() {
    }

    static void register(Journal journal) {
        JOURNALS.add(journal);
        if (executor == null) {
            synchronized (JournalFlusher.class) {
                if (executor == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "statestore-journal-flush");
                        t.setDaemon(true);
                        return t;
                    });
                    e.scheduleWithFixedDelay(JournalFlusher::flushAll, Journal.ASYNC_FLUSH_MILLIS,
                            Journal.ASYNC_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                    executor = e;
                }
            }
        }
    }

    static void unregister(Journal journal) {
        JOURNALS.remove(journal);
    }

    private static void flushAll() {
        for (Journal journal : JOURNALS) {
            journal.flushIfAppended(); // logs its own failures: one store's disk does not stop the others
        }
    }
}
