package dev.statestore.internal.metrics;

/**
 * Figures of a store that the meters read when scraped: store-wide ones from the shared files
 * (entries, fill, bytes, attached processes) and this process's own (journal appends, lock waits).
 */
public interface StoreFigures {
    double entries();

    double fillRatio();

    double fileBytes();

    double attachedProcesses();

    double journalAppends();

    double lockTakeovers();

    double recoveries();

    long lockWaits();

    double lockWaitNanos();
}
