package dev.statestore.jcache;

import dev.statestore.jcache.CacheSteps.Put;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;

/**
 * The operations of a cache on many keys: {@code putAll}, {@code removeAll} and {@code loadAll}.
 * Each is atomic per key, not as a whole (as the spec allows): the writer's {@code writeAll} or
 * {@code deleteAll} runs first, over all the keys, and then each key the writer took is changed in
 * an atomic step of its own; what the writer did not take is left unchanged and its failure
 * rethrown after.
 */
final class BulkOperations<K, V> {
    private final Cache<K, V> source;
    private final String name;
    private final CacheSteps<K, V> steps;
    private final CompleteConfiguration<K, V> configuration;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final CacheStatistics statistics;
    private final BooleanSupplier statisticsEnabled;
    private final Consumer<List<CacheEvent<K, V>>> dispatch;

    BulkOperations(Cache<K, V> source, String name, CacheSteps<K, V> steps, CompleteConfiguration<K, V> configuration,
                   CacheLoader<K, V> loader, CacheWriter<K, V> writer, CacheStatistics statistics,
                   BooleanSupplier statisticsEnabled, Consumer<List<CacheEvent<K, V>>> dispatch) {
        this.source = source;
        this.name = name;
        this.steps = steps;
        this.configuration = configuration;
        this.loader = loader;
        this.writer = writer;
        this.statistics = statistics;
        this.statisticsEnabled = statisticsEnabled;
        this.dispatch = dispatch;
    }

    private boolean writesThrough() {
        return configuration.isWriteThrough() && writer != null;
    }

    /** {@code putAll} ({@code writeThrough} false: {@code loadAll}'s puts, which neither write nor count as puts). */
    void putAll(Map<? extends K, ? extends V> entries, boolean replaceExisting, boolean writeThrough) {
        boolean stats = statisticsEnabled.getAsBoolean();
        long start = stats ? System.nanoTime() : 0;
        Map<K, V> toPut = new HashMap<>(entries);
        CacheWriterException failure = null;
        if (writeThrough && writesThrough()) {
            List<Cache.Entry<? extends K, ? extends V>> toWrite = new ArrayList<>();
            for (Map.Entry<K, V> e : toPut.entrySet()) {
                toWrite.add(new SimpleEntry<>(e.getKey(), e.getValue()));
            }
            try {
                writer.writeAll(toWrite);
            } catch (CacheWriterException e) {
                failure = e;
            } catch (Exception e) {
                failure = new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
            for (Cache.Entry<? extends K, ? extends V> notWritten : toWrite) {
                toPut.remove(notWritten.getKey());
            }
        }
        List<CacheEvent<K, V>> events = new ArrayList<>(0);
        long puts = 0;
        for (Map.Entry<K, V> e : toPut.entrySet()) {
            Put p = steps.step(e.getKey(), m -> steps.put(m, e.getKey(), e.getValue(), replaceExisting, false, events));
            if (p != Put.NONE) {
                puts++;
            }
        }
        if (stats && puts > 0 && writeThrough) {
            statistics.puts(puts);
            statistics.putTime(System.nanoTime() - start);
        }
        dispatch.accept(events);
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code removeAll}: removes each of {@code keys}, written through with one {@code deleteAll}. */
    void removeAll(Set<K> keys) {
        boolean stats = statisticsEnabled.getAsBoolean();
        long start = stats ? System.nanoTime() : 0;
        CacheWriterException failure = null;
        Set<K> toRemove = new LinkedHashSet<>(keys);
        if (writesThrough() && !keys.isEmpty()) {
            Set<K> notDeleted = new LinkedHashSet<>(keys);
            try {
                writer.deleteAll(notDeleted);
            } catch (CacheWriterException e) {
                failure = e;
            } catch (Exception e) {
                failure = new CacheWriterException("the CacheWriter of cache " + name + " failed: " + e, e);
            }
            toRemove.removeAll(notDeleted);
        }
        long removed = 0;
        for (K key : toRemove) {
            List<CacheEvent<K, V>> events = new ArrayList<>(0);
            if (steps.step(key, m -> steps.change(m, key, null, null, false, events)).changed()) { // written through above
                removed++;
            }
            dispatch.accept(events);
        }
        if (stats && removed > 0) {
            for (long i = 0; i < removed; i++) {
                statistics.removal();
            }
            statistics.removeTime(System.nanoTime() - start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@code loadAll}, after the caller checked its arguments: loads in the background, then tells {@code completionListener}. */
    void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        if (loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                List<K> toLoad = new ArrayList<>();
                for (K key : keys) {
                    if (replaceExistingValues || !source.containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                Map<K, V> loaded;
                try {
                    @SuppressWarnings("unchecked")
                    Map<K, V> l = (Map<K, V>) loader.loadAll(toLoad);
                    loaded = l == null ? Map.of() : l;
                } catch (CacheLoaderException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CacheLoaderException("the CacheLoader of cache " + name + " failed: " + e, e);
                }
                Map<K, V> present = new HashMap<>();
                for (K key : toLoad) {
                    V v = loaded.get(key);
                    if (v != null) {
                        steps.checkTypes(key, v);
                        present.put(key, v);
                    }
                }
                putAll(present, replaceExistingValues, false);
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (Exception e) {
                if (completionListener != null) {
                    completionListener.onException(e);
                }
            }
        });
    }
}
