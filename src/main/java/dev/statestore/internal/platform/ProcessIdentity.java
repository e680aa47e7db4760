package dev.statestore.internal.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Who a process is, in a way that survives PID reuse: its PID plus its start time. A slot or lock
 * recorded with a (pid, start) pair belongs to a dead process if no process has that PID now, or the
 * process that has it started at another time.
 */
public final class ProcessIdentity {
    private static final long PID = ProcessHandle.current().pid();
    private static final long START_MILLIS = startMillis(ProcessHandle.current()).orElse(0L);
    private static final String HOST = hostName();

    private ProcessIdentity() {
    }

    public static long pid() {
        return PID;
    }

    /** Start time of this process in epoch milliseconds (0 when the OS does not say). */
    public static long startMillis() {
        return START_MILLIS;
    }

    public static String host() {
        return HOST;
    }

    /**
     * Whether the process recorded as {@code (pid, startMillis)} is still running. A recorded start of
     * 0 (unknown) trusts the PID alone. Start times are compared with a tolerance of one second, as the
     * OS reports them in clock ticks.
     */
    public static boolean isAlive(long pid, long startMillis) {
        if (pid == PID) {
            return startMillis == 0 || Math.abs(startMillis - START_MILLIS) < 1000;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        if (startMillis == 0) {
            return true;
        }
        Optional<Long> actual = startMillis(handle.get());
        return actual.isEmpty() || Math.abs(actual.get() - startMillis) < 1000;
    }

    private static Optional<Long> startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(i -> i.toEpochMilli());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }
}
