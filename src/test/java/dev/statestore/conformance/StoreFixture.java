package dev.statestore.conformance;

import dev.statestore.Codec;
import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import dev.statestore.StoreMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Hands the conformance suites one fresh, empty store per map they ask for, and cleans up after
 * each test: every test gets its own {@link StateStore} on its own data directory (opened on the
 * first map the test asks for), which {@link #afterTest()} closes and deletes, so file handles,
 * mappings and disk stay bounded however many tests run. The root directory is made on first use
 * and removed by {@link #afterSuite()}.
 *
 * <p>The root is on {@code /dev/shm} when the machine has it (pure shared memory, as the README
 * allows), else in the default temporary directory.
 */
public final class StoreFixture {
    private final String label;
    private Path root;
    private int nextDir;
    private int nextStore;
    private StateStore current;
    private Path currentDir;

    public StoreFixture(String label) {
        this.label = label;
    }

    /** A new, empty store with the given codecs and options, in this test's {@link StateStore}. */
    public synchronized <K, V> StoreMap<K, V> newMap(Codec<K> keyCodec, Codec<V> valueCodec, MapOptions options) {
        if (current == null) {
            currentDir = root().resolve("t" + nextDir++);
            current = StateStore.open(currentDir);
        }
        return current.map("m" + nextStore++, keyCodec, valueCodec, options);
    }

    /** Closes this test's {@link StateStore} and deletes its data directory. */
    public synchronized void afterTest() {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
                deleteTree(currentDir);
            }
        }
    }

    /** Closes what is still open and removes the root directory. */
    public synchronized void afterSuite() {
        try {
            afterTest();
        } finally {
            if (root != null) {
                deleteTree(root);
                root = null;
            }
        }
    }

    private Path root() {
        if (root == null) {
            try {
                Path shm = Path.of("/dev/shm");
                root = Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempDirectory(shm, "statestore-" + label + "-")
                        : Files.createTempDirectory("statestore-" + label + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
