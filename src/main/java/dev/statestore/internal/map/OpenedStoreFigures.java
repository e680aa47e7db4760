package dev.statestore.internal.map;

import dev.statestore.internal.metrics.StoreFigures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The figures of an attached store, read when the meters are scraped. */
final class OpenedStoreFigures implements StoreFigures {
    private final OpenedStore store;
    private final Path storeDir;

    OpenedStoreFigures(OpenedStore store, Path storeDir) {
        this.store = store;
        this.storeDir = storeDir;
    }

    @Override
    public double entries() {
        return store.map.longSize();
    }

    @Override
    public double fillRatio() {
        return store.map.fillRatio();
    }

    @Override
    public double fileBytes() {
        return directorySize(storeDir);
    }

    @Override
    public double attachedProcesses() {
        return store.processes.live().stream().mapToLong(p -> p.pid()).distinct().count();
    }

    @Override
    public double journalAppends() {
        return store.journal == null ? 0 : store.journal.appends();
    }

    @Override
    public double lockTakeovers() {
        return store.map.stripes().takeovers();
    }

    @Override
    public double recoveries() {
        return store.repairs.mapRepaired ? 1 : 0;
    }

    @Override
    public long lockWaits() {
        return store.map.stripes().waits();
    }

    @Override
    public double lockWaitNanos() {
        return store.map.stripes().waitNanos();
    }

    static long directorySize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
