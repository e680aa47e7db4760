package dev.statestore.internal.cache;

import dev.statestore.internal.map.ChronicleStoreMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs one warning per store and process when the store passes {@link #THRESHOLD} of its
 * capacity. Puts call {@link #onPut}; the fill ratio (a pass over the segment headers) is read on
 * every {@link #EVERY}-th put only, so the check costs a counter increment per put.
 */
public final class FillWarning {
    static final double THRESHOLD = 0.8;
    static final int EVERY = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(FillWarning.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String store;
    private final String sizingHint;
    private int puts; // racy on purpose: an approximate count is enough to space the checks
    private volatile boolean warned;

    public FillWarning(String store, String sizingHint) {
        this.store = store;
        this.sizingHint = sizingHint;
    }

    public void onPut(ChronicleStoreMap<?, ?, ?, ?> map) {
        if (warned || (++puts & (EVERY - 1)) != 0) {
            return;
        }
        check(map.fillRatio());
    }

    /** Logs the warning if {@code fill} is past the threshold and this process has not warned yet. */
    boolean check(double fill) {
        if (fill < THRESHOLD || warned) {
            return false;
        }
        warned = true;
        if (!WARNED.add(store)) {
            return false;
        }
        LOG.warn("store '{}' is {}% full ({}): at 100% puts fail with StoreFullException. Run 'statestore compact {}"
                + " --entries N' (no process attached) to resize it, or raise entries/maxGrowth for a new store",
                store, Math.round(fill * 100), sizingHint, store);
        return true;
    }
}
