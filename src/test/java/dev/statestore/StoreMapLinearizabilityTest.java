package dev.statestore;

import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Linearizability of the per-key operations (Lincheck, stress mode): concurrent scenarios of put,
 * get, remove, putIfAbsent, replace and merge on a few keys must each match some sequential
 * execution of a plain HashMap. One store is reused and cleared before each scenario.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:4")
public class StoreMapLinearizabilityTest {
    private static Path dir;
    private static StateStore store;
    private static StoreMap<Integer, Integer> shared;

    private final StoreMap<Integer, Integer> map;

    public StoreMapLinearizabilityTest() {
        map = shared;
        map.clear();
    }

    @BeforeAll
    static void open() throws IOException {
        dir = Files.createTempDirectory("lincheck");
        store = StateStore.open(dir);
        shared = store.map("lin", Integer.class, Integer.class, MapOptions.builder().entries(1000).build());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Operation
    public Integer put(@Param(name = "key") int key, @Param(name = "value") int value) {
        return map.put(key, value);
    }

    @Operation
    public Integer get(@Param(name = "key") int key) {
        return map.get(key);
    }

    @Operation
    public Integer remove(@Param(name = "key") int key) {
        return map.remove(key);
    }

    @Operation
    public Integer putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
        return map.putIfAbsent(key, value);
    }

    @Operation
    public boolean replace(@Param(name = "key") int key, @Param(name = "value") int expected, @Param(name = "value") int value) {
        return map.replace(key, expected, value);
    }

    @Operation
    public Integer merge(@Param(name = "key") int key, @Param(name = "value") int value) {
        return map.merge(key, value, Integer::sum);
    }

    @Test
    void perKeyOperationsAreLinearizable() {
        new StressOptions()
                .iterations(30)
                .invocationsPerIteration(200)
                .threads(2)
                .actorsPerThread(3)
                .sequentialSpecification(SequentialMap.class)
                .check(StoreMapLinearizabilityTest.class);
    }

    /** The specification: a HashMap, one operation at a time. */
    public static class SequentialMap {
        private final Map<Integer, Integer> map = new HashMap<>();

        public Integer put(int key, int value) {
            return map.put(key, value);
        }

        public Integer get(int key) {
            return map.get(key);
        }

        public Integer remove(int key) {
            return map.remove(key);
        }

        public Integer putIfAbsent(int key, int value) {
            return map.putIfAbsent(key, value);
        }

        public boolean replace(int key, int expected, int value) {
            if (Objects.equals(map.get(key), expected)) {
                map.put(key, value);
                return true;
            }
            return false;
        }

        public Integer merge(int key, int value) {
            return map.merge(key, value, Integer::sum);
        }
    }
}
