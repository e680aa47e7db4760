package dev.statestore.internal.chronicle;

import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import net.openhft.posix.internal.noop.NoOpPosixAPI;

/**
 * Keeps Chronicle's start-up from loading its native POSIX binding until something uses it.
 *
 * <p>Chronicle's {@code Jvm} static initializer calls {@code PosixAPI.posix()} "to initialise it
 * eagerly": jnr-ffi extracts its native library to a temporary file, loads it and generates its
 * call stubs with ASM and a run-time x86 assembler (classes the AppCDS archive cannot hold), about
 * 9 % of the start of a {@code get}, which never uses it (measured 2026-11-26, BENCHMARKS-HISTORY.md).
 * Only msync uses it on statestore's paths: Chronicle Queue's sync modes and page toucher.
 *
 * <p>Chronicle offers two hooks for such things, system properties naming a {@link Runnable} that
 * runs first in that initializer ({@code chronicle.init.runnable}) and one that runs last
 * ({@code chronicle.postinit.runnable}). {@link Before} sets a placeholder as the chosen provider
 * (if none is chosen yet), so the eager call finds one and loads nothing; {@link After} takes the
 * placeholder away again (if it is still there), so the first real {@code PosixAPI.posix()} loads
 * the provider Chronicle would have chosen, as it would have. No other code can see the
 * placeholder: any other thread that uses Chronicle waits for that initializer to finish. The
 * journal loads the binding when it builds its queue ({@link #load()}), before any writer takes a
 * lock, so a first msync never pays for it under a stripe lock. A JVM whose owner set either
 * property keeps its own hooks and the eager load.
 */
public final class DeferredPosix {
    static final String INIT_PROPERTY = "chronicle.init.runnable";
    static final String POST_INIT_PROPERTY = "chronicle.postinit.runnable";
    static final PosixAPI PLACEHOLDER = new NoOpPosixAPI("statestore: stands in while Chronicle starts;"
            + " the native binding is loaded on first use");

    private DeferredPosix() {
    }

    /** Installs the hooks, unless the JVM has its own; call before Chronicle's {@code Jvm} loads. */
    static void install() { // through ChronicleProperties.apply
        if (System.getProperty(INIT_PROPERTY) == null && System.getProperty(POST_INIT_PROPERTY) == null) {
            System.setProperty(INIT_PROPERTY, Before.class.getName());
            System.setProperty(POST_INIT_PROPERTY, After.class.getName());
        }
    }

    /** Chooses Chronicle's native POSIX binding now, if nothing has yet (cheap once chosen). */
    public static PosixAPI load() {
        return PosixAPI.posix();
    }

    /** Run by Chronicle first in its start-up: a provider is already chosen, the eager load loads nothing. */
    public static final class Before implements Runnable {
        @Override
        public void run() {
            if (PosixAPIHolder.POSIX_API == null) {
                PosixAPIHolder.POSIX_API = PLACEHOLDER;
            }
        }
    }

    /** Run by Chronicle last in its start-up: none is chosen again, the first use loads it. */
    public static final class After implements Runnable {
        @Override
        public void run() {
            if (PosixAPIHolder.POSIX_API == PLACEHOLDER) {
                PosixAPIHolder.POSIX_API = null;
            }
        }
    }
}
