package dev.statestore.internal.chronicle;

/**
 * The system properties statestore sets for Chronicle, in one place, before any Chronicle class
 * loads: its usage analytics off (always), its start-up banner off (unless the user set it), and
 * its native POSIX binding deferred to first use ({@link DeferredPosix}).
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

    private ChronicleProperties() {
    }

    /** Sets them; cheap and harmless to call again. */
    public static void apply() {
        System.setProperty(ANALYTICS, "true");
        if (System.getProperty(ANNOUNCER) == null) {
            System.setProperty(ANNOUNCER, "true");
        }
        DeferredPosix.install();
    }
}
