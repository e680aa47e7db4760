package dev.statestore.jcache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;

/**
 * Delivery of the events of changes made in this JVM. A change made through one cache handle is
 * delivered to its listeners and to those of every other open handle of the same store in this
 * JVM (another CacheManager's too), on the caller's thread after the change: their journal
 * subscriptions ({@link RemoteEvents}) skip this JVM's changes, so this is the only way those
 * listeners hear them, and each hears a change once.
 */
final class LocalDelivery<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDelivery.class);

    /** The open cache handles of this JVM, by store directory. */
    private static final Map<Path, Set<LocalDelivery<?, ?>>> OPEN = new ConcurrentHashMap<>();

    private final Cache<K, V> source;
    private final Path storeDir;
    private final Listeners<K, V> listeners;
    private final AtomicBoolean closed;

    /** Registers the handle {@code source} of the store in {@code storeDir}; {@code closed} is the handle's. */
    LocalDelivery(Cache<K, V> source, Path storeDir, Listeners<K, V> listeners, AtomicBoolean closed) {
        this.source = source;
        this.storeDir = storeDir;
        this.listeners = listeners;
        this.closed = closed;
        OPEN.computeIfAbsent(storeDir, d -> ConcurrentHashMap.newKeySet()).add(this);
    }

    /** Unregisters the handle: its listeners hear no more of this JVM's changes. Idempotent. */
    void close() {
        OPEN.computeIfPresent(storeDir, (d, open) -> {
            open.remove(this);
            return open.isEmpty() ? null : open;
        });
    }

    /** Delivers the events of a change made through this handle, here and to the other open handles of its store. */
    void dispatch(List<CacheEvent<K, V>> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<LocalDelivery<?, ?>> open = OPEN.get(storeDir);
        if (open != null && open.size() > 1) {
            for (LocalDelivery<?, ?> peer : open) {
                if (peer != this) {
                    peer.fromPeer(events);
                }
            }
        }
        listeners.dispatch(events);
    }

    /** Whether a listener of this or another open handle of the store in this JVM hears its changes. */
    boolean listenedTo() {
        if (!listeners.isEmpty()) {
            return true;
        }
        Set<LocalDelivery<?, ?>> open = OPEN.get(storeDir);
        if (open != null && open.size() > 1) {
            for (LocalDelivery<?, ?> peer : open) {
                if (!peer.listeners.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The events of a change made through another handle of this JVM on the same store, as this handle's. */
    @SuppressWarnings("unchecked")
    private void fromPeer(List<? extends CacheEvent<?, ?>> events) {
        if (listeners.isEmpty() || closed.get()) {
            return;
        }
        List<CacheEvent<K, V>> mine = new ArrayList<>(events.size());
        for (CacheEvent<?, ?> e : events) {
            mine.add(new CacheEvent<>(source, e.getEventType(), (K) e.getKey(), (V) e.getValue(), (V) e.getOldValue(),
                    e.isOldValueAvailable()));
        }
        try {
            listeners.dispatch(mine);
        } catch (RuntimeException e) {
            LOG.warn("cache {}: a listener failed on a change made through another CacheManager of this JVM", source.getName(), e);
        }
    }
}
