package dev.statestore.internal.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the data directory's file system, so a full disk is seen coming (invariant 9):
 * the gauges {@code statestore.disk.usable} and {@code statestore.disk.total} (Prometheus
 * {@code statestore_disk_usable_bytes}, {@code statestore_disk_total_bytes}; the alert
 * {@code StatestoreDiskSpaceLow}), and a warning in the log, once, when less than
 * {@link #WARN_BELOW} of it is usable (again after it recovered).
 */
final class DiskSpace {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);
    /** The share of the file system below which the agent warns, as the alert does. */
    static final double WARN_BELOW = 0.10;

    private final Path dataDir;
    private boolean warned;

    DiskSpace(Path dataDir, MeterRegistry registry) {
        this.dataDir = dataDir;
        Gauge.builder("statestore.disk.usable", this, d -> d.read(FileStore::getUsableSpace))
                .baseUnit("bytes").description("Bytes usable by this user on the data directory's file system")
                .register(registry);
        Gauge.builder("statestore.disk.total", this, d -> d.read(FileStore::getTotalSpace))
                .baseUnit("bytes").description("Size of the data directory's file system")
                .register(registry);
    }

    private interface Figure {
        long of(FileStore store) throws IOException;
    }

    private double read(Figure figure) {
        try {
            return figure.of(Files.getFileStore(dataDir));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Logs the warning when the usable share crosses {@link #WARN_BELOW}; the agent's housekeeping calls this. */
    void check() {
        double usable = read(FileStore::getUsableSpace);
        double total = read(FileStore::getTotalSpace);
        if (Double.isNaN(usable) || Double.isNaN(total) || total <= 0) {
            return;
        }
        boolean low = usable / total < WARN_BELOW;
        if (low && !warned) {
            LOG.warn("the file system of {} has {} MiB usable of {} MiB ({}%): at 0 writes fail with DiskFullException;"
                    + " free space, or lower the journal retention (RUNBOOK 'Disk full')", dataDir, (long) usable >> 20,
                    (long) total >> 20, Math.round(usable / total * 100));
        }
        warned = low;
    }
}
