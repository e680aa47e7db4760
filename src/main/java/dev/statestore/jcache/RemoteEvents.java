package dev.statestore.jcache;

import dev.statestore.ChangeEvent;
import dev.statestore.ChangeType;
import dev.statestore.Position;
import dev.statestore.StoreMap;
import dev.statestore.Subscription;

import java.util.List;
import javax.cache.Cache;
import javax.cache.event.EventType;

/**
 * Other processes' changes to a cache's store, heard from its journal and delivered to the cache's
 * listeners in this process, on the subscription's thread. Started when the cache's first listener
 * registers, reading from the journal's end. Changes this process made were delivered where they
 * were made, with their old values: they are skipped by the writer's PID, so none arrives twice.
 * What the journal does not say is not delivered: old values ({@code isOldValueAvailable()} is
 * false), and a removal's value.
 */
final class RemoteEvents<K, V> implements AutoCloseable {
    private static final long PID = ProcessHandle.current().pid();

    private final Cache<K, V> source;
    private final StoreMap<Object, CacheValue> map;
    private final Listeners<K, V> listeners;
    private final Object lock = new Object();
    private Subscription subscription; // guarded by lock
    private volatile boolean closed;

    RemoteEvents(Cache<K, V> source, StoreMap<Object, CacheValue> map, Listeners<K, V> listeners) {
        this.source = source;
        this.map = map;
        this.listeners = listeners;
    }

    /** Subscribes, once (a store without a journal has nothing to hear). */
    void start() {
        if (!map.hasJournal()) {
            return;
        }
        synchronized (lock) {
            if (subscription == null && !closed) {
                subscription = map.subscribe(Position.END, this::onChange);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void onChange(ChangeEvent<Object, CacheValue> e) {
        if (e.writerPid() == PID || closed || listeners.isEmpty()) {
            return;
        }
        K key = (K) e.key();
        CacheEvent<K, V> event;
        if (e.type() == ChangeType.PUT) {
            CacheValue c = e.value();
            if (c == null || c.touch()) {
                return; // a deadline-only write: an access under an ExpiryPolicy
            }
            event = new CacheEvent<>(source, c.created() ? EventType.CREATED : EventType.UPDATED, key, (V) c.value(), null, false);
        } else if (e.type() == ChangeType.EXPIRE) {
            event = new CacheEvent<>(source, EventType.EXPIRED, key, null, null, false);
        } else if (e.type() == ChangeType.CLEAR) {
            return; // Cache.clear() notifies no listener
        } else {
            event = new CacheEvent<>(source, EventType.REMOVED, key, null, null, false);
        }
        listeners.dispatch(List.of(event));
    }

    /** Stops the subscription, waiting for a delivery in progress. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }
    }
}
