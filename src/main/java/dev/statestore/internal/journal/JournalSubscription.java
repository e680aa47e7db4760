package dev.statestore.internal.journal;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeListener;
import dev.statestore.Codec;
import dev.statestore.Position;
import dev.statestore.SubscribeOptions;
import dev.statestore.Subscription;
import dev.statestore.internal.platform.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A subscription: one thread that tails the journal from its start position and hands each event
 * to the listener, waiting between events as its {@link SubscribeOptions.WaitStrategy} says. A
 * named subscription records each delivered sequence in its {@link NamedPosition}.
 */
public final class JournalSubscription<K, V> implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSubscription.class);
    private final Journal journal;
    private final Codec<K> keys;
    private final Codec<V> values;
    private final Position position;
    private final ChangeListener<K, V> listener;
    private final SubscribeOptions options;
    private final NamedPosition named;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long lastSequence = -1;
    private volatile RuntimeException startFailure;

    private JournalSubscription(Journal journal, Codec<K> keys, Codec<V> values, Position position,
                                ChangeListener<K, V> listener, SubscribeOptions options, NamedPosition named) {
        this.journal = journal;
        this.keys = keys;
        this.values = values;
        this.position = position;
        this.listener = listener;
        this.options = options;
        this.named = named;
        String label = position.kind() == Position.Kind.NAMED ? position.name() : position.toString();
        this.thread = new Thread(this::run, "statestore-subscription-" + journal.store() + "-" + label);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a subscription; returns once its tailer is positioned, so every event appended after
     * this call returns is delivered (for {@link Position#END} too).
     */
    public static <K, V> JournalSubscription<K, V> start(Journal journal, Codec<K> keys, Codec<V> values,
                                                         Position position, ChangeListener<K, V> listener,
                                                         SubscribeOptions options, NamedPosition named) {
        JournalSubscription<K, V> s = new JournalSubscription<>(journal, keys, values, position, listener, options, named);
        s.thread.start();
        try {
            s.started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
            throw new IllegalStateException("interrupted while starting a subscription", e);
        }
        if (s.startFailure != null) {
            s.close();
            throw s.startFailure;
        }
        return s;
    }

    @Override
    public String name() {
        return position.kind() == Position.Kind.NAMED ? position.name() : null;
    }

    @Override
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        long skipThrough;
        JournalReader tailer;
        try {
            tailer = journal.reader();
            skipThrough = position(tailer);
        } catch (RuntimeException e) {
            startFailure = e;
            running = false;
            started.countDown();
            return;
        }
        started.countDown();
        try (JournalReader t = tailer) {
            int idle = 0;
            while (running) {
                RawEvent raw = t.next();
                if (raw == null) {
                    idle = idle(idle);
                    continue;
                }
                idle = 0;
                if (raw.sequence() <= skipThrough) {
                    continue;
                }
                if (!deliver(raw)) {
                    running = false;
                }
            }
        } catch (RuntimeException | Error e) {
            running = false;
            LOG.error("subscription {} of store '{}' stopped: reading the journal failed", position, journal.store(), e);
        } finally {
            if (named != null) {
                named.close();
            }
        }
    }

    /** Positions the tailer; returns the sequence through which events are skipped (-1: none). */
    private long position(JournalReader tailer) {
        Position p = position;
        if (p.kind() == Position.Kind.NAMED) {
            long stored = named.getVolatile();
            if (stored >= 0) {
                lastSequence = stored;
                return moveAfter(tailer, stored);
            }
            p = p.initial();
        }
        switch (p.kind()) {
            case END:
                tailer.toEnd();
                return -1;
            case AFTER:
                return moveAfter(tailer, p.sequence());
            default:
                tailer.toStart();
                return -1;
        }
    }

    private static long moveAfter(JournalReader tailer, long sequence) {
        tailer.positionAfter(sequence);
        return sequence;
    }

    private boolean deliver(RawEvent raw) {
        ChangeEvent<K, V> event;
        try {
            event = raw.decode(keys, values);
        } catch (RuntimeException e) {
            ChangeEvent<byte[], byte[]> undecoded = new ChangeEvent<>(raw.sequence(), raw.timeNanos(), raw.type(),
                    raw.key(), raw.value(), raw.writerPid(), raw.origin());
            if (!options.errorHandler().onError(undecoded, e)) {
                return false;
            }
            delivered(raw.sequence());
            return true;
        }
        try {
            listener.onChange(event);
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!options.errorHandler().onError(event, e)) {
                return false;
            }
        }
        delivered(raw.sequence());
        return true;
    }

    private void delivered(long sequence) {
        lastSequence = sequence;
        if (named != null) {
            named.setRelease(sequence);
        }
    }

    private int idle(int round) {
        switch (options.waitStrategy()) {
            case BUSY_SPIN:
                Thread.onSpinWait();
                return round;
            case YIELD:
                Thread.yield();
                return round;
            default:
                return Backoff.SUBSCRIBER.idle(round);
        }
    }

    @Override
    public void close() {
        running = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
