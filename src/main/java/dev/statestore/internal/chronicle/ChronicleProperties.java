package dev.statestore.internal.chronicle;

/**
 * The system properties statestore sets for Chronicle, in one place, before any Chronicle class
 * loads: its usage analytics off (always), its start-up banner off (unless the user set it), its
 * segment lock's wait bounded to seconds (unless the user set it) and its native POSIX binding
 * deferred to first use ({@link DeferredPosix}).
 */
public final class ChronicleProperties {
    /** Chronicle's switch for its usage analytics; statestore never lets it phone home. */
    public static final String ANALYTICS = "chronicle.analytics.disable";
    /**
     * Chronicle's switch for its start-up banner (JVM, process id, versions and a "Leave your e-mail"
     * line, logged at INFO by chronicle-core's {@code InternalAnnouncer} when its class loads):
     * a library keeps it out of the application's log. {@code -Dchronicle.announcer.disable=false}
     * brings it back.
     */
    public static final String ANNOUNCER = "chronicle.announcer.disable";

    /**
     * How long Chronicle Map waits for one of its segment locks before it throws
     * {@code InterProcessDeadLockException}; read once, when its {@code BigSegmentHeader} class loads.
     * Chronicle's default is 60 s, for maps whose processes contend on those locks. In statestore
     * they never do: every Chronicle operation on a segment runs while the thread holds that
     * segment's stripe, exclusive across processes, and a stripe taken over from a dead process has
     * its segment lock reset. So a segment lock found taken is not a holder to wait for but a lock
     * word that something other than statestore wrote (a map file overwritten under a live process);
     * waiting a minute for it only hides the fault. {@link ChronicleErrors} reports it as a damaged
     * store.
     */
    public static final String SEGMENT_LOCK_TIMEOUT = "net.openhft.chronicle.map.lockTimeoutSeconds";
    static final String SEGMENT_LOCK_TIMEOUT_SECONDS = "5";

    private ChronicleProperties() {
    }

    /** Sets them; cheap and harmless to call again. */
    public static void apply() {
        System.setProperty(ANALYTICS, "true");
        if (System.getProperty(ANNOUNCER) == null) {
            System.setProperty(ANNOUNCER, "true");
        }
        if (System.getProperty(SEGMENT_LOCK_TIMEOUT) == null) {
            System.setProperty(SEGMENT_LOCK_TIMEOUT, SEGMENT_LOCK_TIMEOUT_SECONDS);
        }
        DeferredPosix.install();
    }
}
