package dev.statestore;

/** How often a store's journal starts a new file (cycle); retention deletes whole cycles. */
public enum JournalRoll {
    /** A file per hour: finer retention, more files. */
    HOURLY,
    /** A file per day (UTC): the default. */
    DAILY
}
