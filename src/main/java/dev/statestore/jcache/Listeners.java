package dev.statestore.jcache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * The listeners registered on one cache handle, and how events reach them. Events of a change made
 * through this process are delivered on the caller's thread after the change, synchronous and
 * asynchronous listeners alike (the spec allows an asynchronous listener to be called at once);
 * events of other processes' changes come from the journal, on the cache's subscription thread.
 */
final class Listeners<K, V> {

    /** One registered listener. */
    record Registration<K, V>(CacheEntryListenerConfiguration<K, V> configuration, CacheEntryListener<? super K, ? super V> listener,
                              CacheEntryEventFilter<? super K, ? super V> filter) {
        static <K, V> Registration<K, V> of(CacheEntryListenerConfiguration<K, V> c) {
            Factory<? extends CacheEntryEventFilter<? super K, ? super V>> f = c.getCacheEntryEventFilterFactory();
            return new Registration<>(c, c.getCacheEntryListenerFactory().create(), f == null ? null : f.create());
        }

        boolean wants(EventType type) {
            switch (type) {
                case CREATED: return listener instanceof CacheEntryCreatedListener;
                case UPDATED: return listener instanceof CacheEntryUpdatedListener;
                case REMOVED: return listener instanceof CacheEntryRemovedListener;
                case EXPIRED: return listener instanceof CacheEntryExpiredListener;
                default: return false;
            }
        }
    }

    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

    boolean isEmpty() {
        return registrations.isEmpty();
    }

    List<Registration<K, V>> all() {
        return registrations;
    }

    void add(CacheEntryListenerConfiguration<K, V> c) {
        for (Registration<K, V> r : registrations) {
            if (r.configuration().equals(c)) {
                throw new IllegalArgumentException("this listener configuration is already registered: " + c);
            }
        }
        registrations.add(Registration.of(c));
    }

    Registration<K, V> remove(CacheEntryListenerConfiguration<K, V> c) {
        for (Registration<K, V> r : registrations) {
            if (r.configuration().equals(c)) {
                registrations.remove(r);
                return r;
            }
        }
        return null;
    }

    /** Delivers {@code events} (in order) to every listener, expired first as the RI does, then created, updated, removed. */
    void dispatch(List<CacheEvent<K, V>> events) {
        if (events.isEmpty() || registrations.isEmpty()) {
            return;
        }
        for (EventType type : new EventType[] {EventType.EXPIRED, EventType.CREATED, EventType.UPDATED, EventType.REMOVED}) {
            for (Registration<K, V> r : registrations) {
                if (!r.wants(type)) {
                    continue;
                }
                List<CacheEntryEvent<? extends K, ? extends V>> batch = new ArrayList<>();
                for (CacheEvent<K, V> e : events) {
                    if (e.getEventType() == type) {
                        CacheEvent<K, V> seen = e.forListener(r.configuration().isOldValueRequired());
                        if (r.filter() == null || r.filter().evaluate(seen)) {
                            batch.add(seen);
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    deliver(r, type, batch);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(Registration<K, V> r, EventType type, List<CacheEntryEvent<? extends K, ? extends V>> batch) {
        try {
            switch (type) {
                case CREATED:
                    ((CacheEntryCreatedListener<K, V>) r.listener()).onCreated(batch);
                    break;
                case UPDATED:
                    ((CacheEntryUpdatedListener<K, V>) r.listener()).onUpdated(batch);
                    break;
                case REMOVED:
                    ((CacheEntryRemovedListener<K, V>) r.listener()).onRemoved(batch);
                    break;
                default:
                    ((CacheEntryExpiredListener<K, V>) r.listener()).onExpired(batch);
                    break;
            }
        } catch (CacheEntryListenerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheEntryListenerException("a cache entry listener failed: " + e, e);
        }
    }
}
