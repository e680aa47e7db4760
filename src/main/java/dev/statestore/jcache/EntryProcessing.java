package dev.statestore.jcache;

import dev.statestore.AtomicMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.CacheException;
import javax.cache.event.EventType;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * {@code invoke} and {@code invokeAll}: an {@link EntryProcessor} runs inside the key's atomic step
 * on a {@link ProcessorEntry} (a copy of the live entry), and what it did to that copy (read,
 * create, load, update, remove) is then applied in the same step, with its writer call, deadline,
 * event and statistics. A processor's failure leaves the entry as it was.
 */
final class EntryProcessing<K, V> {
    private final CacheSteps<K, V> steps;
    private final CacheStatistics statistics;
    private final BooleanSupplier statisticsEnabled;
    /** The loader a processor's {@code getValue} reads through, or null (no loader, or read-through off). */
    private final CacheLoader<K, V> readThrough;
    private final Consumer<List<CacheEvent<K, V>>> dispatch;

    EntryProcessing(CacheSteps<K, V> steps, CacheStatistics statistics, BooleanSupplier statisticsEnabled,
                    CacheLoader<K, V> readThrough, Consumer<List<CacheEvent<K, V>>> dispatch) {
        this.steps = steps;
        this.statistics = statistics;
        this.statisticsEnabled = statisticsEnabled;
        this.readThrough = readThrough;
        this.dispatch = dispatch;
    }

    @SuppressWarnings("unchecked")
    <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        boolean stats = statisticsEnabled.getAsBoolean();
        long start = stats ? System.nanoTime() : 0;
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        T result = steps.step(key, m -> {
            long now = System.currentTimeMillis();
            CacheValue c = m.get(key);
            if (c != null && c.expiredAt(now)) {
                steps.expireIn(m, key, c, now, events);
                c = null;
            }
            if (stats) {
                if (c == null) {
                    statistics.miss();
                } else {
                    statistics.hit();
                }
            }
            ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, c == null ? null : (V) c.value(), readThrough);
            T r = process(processor, entry, arguments);
            apply(m, key, c, entry, now, stats, events);
            return r;
        });
        if (stats) {
            statistics.getTime(System.nanoTime() - start);
        }
        dispatch.accept(events);
        return result;
    }

    private static <K, V, T> T process(EntryProcessor<K, V, T> processor, ProcessorEntry<K, V> entry, Object... arguments) {
        try {
            return processor.process(entry, arguments);
        } catch (CacheException e) {
            throw e;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // an Error of the processor's too (IllegalAccessError in the TCK): the entry stays as it was
            throw new EntryProcessorException(e);
        }
    }

    /** Inside the step: applies what the processor did to {@code entry}; {@code c} is the live entry it saw, or null. */
    @SuppressWarnings("unchecked")
    private void apply(AtomicMap<Object, CacheValue> m, K key, CacheValue c, ProcessorEntry<K, V> entry, long now, boolean stats,
                       List<CacheEvent<K, V>> events) {
        switch (entry.operation()) {
            case ACCESS:
                if (c != null) {
                    steps.touchIn(m, key, c, now);
                }
                break;
            case CREATE:
            case LOAD: {
                boolean created = entry.operation() == ProcessorEntry.Operation.CREATE;
                if (created) {
                    steps.write(key, entry.value());
                }
                if (steps.create(m, key, entry.value(), now, events) && stats && created) {
                    statistics.put();
                }
                break;
            }
            case UPDATE:
                steps.write(key, entry.value());
                steps.update(m, key, c, entry.value(), now, events);
                if (stats) {
                    statistics.put();
                }
                break;
            case REMOVE:
                steps.delete(key);
                if (c != null) {
                    m.remove(key);
                    events.add(steps.event(EventType.REMOVED, key, (V) c.value(), (V) c.value()));
                    if (stats) {
                        statistics.removal();
                    }
                }
                break;
            default:
                break;
        }
    }

    <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
                                                  Object... arguments) {
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T t = invoke(key, processor, arguments);
                if (t != null) {
                    results.put(key, () -> t);
                }
            } catch (Exception e) {
                EntryProcessorException failure = e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
    }
}
