package dev.statestore;

/**
 * When a store's journal is forced to disk: the {@code sync} option, like Redis's
 * {@code appendfsync} and LMDB's {@code NOSYNC}. Whatever the mode, a write acknowledged to the
 * caller survives the crash or kill -9 of the process: the data is in the shared page cache. The
 * modes differ in what a power loss or kernel crash can take.
 */
public enum Durability {
    /** Never forced: the kernel writes dirty pages back on its own (by default within ~30 s). A power loss can lose that much. */
    NONE,
    /**
     * The journal is forced to disk once a second by a background thread, as Redis's
     * {@code appendfsync everysec}; a write makes no syscall for it. A power loss can lose about
     * the last second of changes. The default.
     */
    ASYNC,
    /**
     * Each change's journal entry is on disk (msync MS_SYNC) before the call returns: a power loss
     * loses no acknowledged change; the map is rebuilt from the journal if its file was torn.
     * Costs a disk flush per write.
     */
    ALWAYS
}
