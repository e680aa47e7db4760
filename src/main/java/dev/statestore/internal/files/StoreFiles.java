package dev.statestore.internal.files;

import java.nio.file.Path;

/**
 * The files of one store, under {@code <data>/<name>/}:
 * <pre>
 *  store.json   metadata: codecs, types, sizing, format version (written last: the commit point)
 *  map.dat      the Chronicle Map file with the entries
 *  procs.tbl    the processes attached (see ProcessTableLayout)
 *  stripes.tbl  the stripe locks (see lock.StripeLayout)
 *  versions.tbl the keys' versions near caches check (see near.VersionLayout)
 *  .lock        serializes creation and attachment
 * </pre>
 */
public final class StoreFiles {
    public static final String MAP_FILE = "map.dat";

    private StoreFiles() {
    }

    public static Path storeDir(Path dataDir, String name) {
        return dataDir.resolve(name);
    }

    public static Path mapFile(Path storeDir) {
        return storeDir.resolve(MAP_FILE);
    }
}
