package dev.statestore.internal.cache;

import dev.statestore.StateStoreException;
import dev.statestore.internal.map.ChronicleStoreMap;
import dev.statestore.internal.platform.FileModes;
import dev.statestore.internal.platform.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Removes the expired entries of one store, in exactly one attached process at a time.
 *
 * <p>The right to sweep is a lease: an exclusive OS lock on {@code sweeper.lock} in the store
 * directory, taken with a try-lock and then kept for as long as this process stays attached. The
 * kernel drops the lock when its holder exits or is killed, so another attached process takes the
 * sweep over at its next attempt (within one interval); no heartbeat or clock is involved. The file
 * holds the holder's PID, for operators. Each attached process runs a daemon thread that tries the
 * lease every {@code -Dstatestore.sweepIntervalMillis} (default 1000; 0: no thread, sweeps only
 * through {@link #sweep}, e.g. by the agent) and, holding it, sweeps the store segment by segment
 * under each stripe ({@link ChronicleStoreMap#sweepExpired}).
 */
public final class ExpirySweeper implements AutoCloseable {
    static final String LEASE_FILE = "sweeper.lock";
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

    private final ChronicleStoreMap<?, ?, ?, ?> map;
    private final Path leaseFile;
    private final FileModes modes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object leaseGuard = new Object();
    private FileChannel channel;
    private FileLock lease;
    private Thread thread;

    /** {@code -Dstatestore.sweepIntervalMillis}, default 1000. */
    public static long defaultIntervalMillis() {
        return Long.getLong("statestore.sweepIntervalMillis", 1000L);
    }

    private ExpirySweeper(ChronicleStoreMap<?, ?, ?, ?> map, Path storeDir, FileModes modes) {
        this.map = map;
        this.leaseFile = storeDir.resolve(LEASE_FILE);
        this.modes = modes;
    }

    /** A sweeper for {@code map}, with its background thread unless the interval is 0. */
    public static ExpirySweeper start(ChronicleStoreMap<?, ?, ?, ?> map, Path storeDir, FileModes modes, long intervalMillis) {
        ExpirySweeper sweeper = new ExpirySweeper(map, storeDir, modes);
        if (intervalMillis > 0) {
            Thread t = new Thread(() -> sweeper.run(intervalMillis), "statestore-sweeper-" + map.name());
            t.setDaemon(true);
            sweeper.thread = t;
            t.start();
        }
        return sweeper;
    }

    /**
     * Sweeps once if this process holds (or can take) the lease.
     *
     * @return entries removed, or -1 when another process holds the lease
     */
    public long sweep() {
        synchronized (leaseGuard) {
            if (closed.get() || !holdLease()) {
                return -1;
            }
            return map.sweepExpired();
        }
    }

    /** Whether this process holds the lease now. */
    boolean leaseHeld() {
        synchronized (leaseGuard) {
            return lease != null && lease.isValid();
        }
    }

    private boolean holdLease() {
        if (lease != null && lease.isValid()) {
            return true;
        }
        try {
            if (channel == null) {
                modes.createFile(leaseFile);
                channel = FileChannel.open(leaseFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            lease = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lease = null; // another StateStore in this JVM sweeps this store
        } catch (IOException e) {
            throw new StateStoreException("Store '" + map.name() + "': cannot take the sweeper lease " + leaseFile + " ("
                    + e + "): check the permissions of the store directory", e);
        }
        if (lease == null) {
            return false;
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessIdentity.pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            LOG.debug("store '{}': cannot write the sweeper lease holder", map.name(), e);
        }
        LOG.info("store '{}': this process (pid {}) sweeps expired entries", map.name(), ProcessIdentity.pid());
        return true;
    }

    private void run(long intervalMillis) {
        while (!closed.get()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMillis));
            if (closed.get()) {
                return;
            }
            try {
                long removed = sweep();
                if (removed > 0) {
                    LOG.debug("store '{}': swept {} expired entries", map.name(), removed);
                }
            } catch (RuntimeException e) {
                LOG.warn("store '{}': sweeping expired entries failed, retrying in {} ms", map.name(), intervalMillis, e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (leaseGuard) {
            try {
                if (channel != null) {
                    channel.close(); // releases the lease
                }
            } catch (IOException e) {
                LOG.debug("store '{}': closing the sweeper lease", map.name(), e);
            }
        }
    }
}
