package dev.statestore;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import dev.statestore.conformance.Bytes;
import dev.statestore.conformance.BytesValueMap;
import dev.statestore.conformance.Item;
import dev.statestore.conformance.JUnit3Tests;
import dev.statestore.conformance.StoreFixture;
import dev.statestore.conformance.StoreMapGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.List;

/**
 * Guava testlib's {@code ConcurrentMap} contract suite ({@link ConcurrentMapTestSuiteBuilder}:
 * every method, the three views and their iterators, {@code equals}/{@code hashCode}/{@code
 * toString}, the Java 8 defaults, the {@code ConcurrentMap} atomics; about 900 tests per map)
 * run over {@link StoreMap}, each test on fresh, empty stores (see {@link StoreFixture}).
 *
 * <p>Features claimed: any size; general purpose (put, remove, clear; null keys and values
 * refused with {@code NullPointerException}, as {@link StoreMap} documents); iterator remove.
 * Not claimed, because not offered: nulls, a known iteration order, serialization, fail-fast
 * iterators (a store's are weakly consistent, as {@code ConcurrentMap} allows).
 */
class StoreMapConformanceTest {
    private static final StoreFixture STORES = new StoreFixture("conformance");

    /** Small stores (small files), with the change journal, as stores are by default. */
    private static final MapOptions JOURNALED = MapOptions.builder()
            .entries(1000).averageKeySize(16).averageValueSize(16).build();

    /**
     * The same without the journal: creating a journal (a Chronicle Queue) is most of the cost of
     * creating a store, and the suite creates thousands; the journaled path is checked by the
     * {@code String -> String} suite, the codec paths by the others.
     */
    private static final MapOptions UNJOURNALED = MapOptions.builder()
            .entries(1000).averageKeySize(16).averageValueSize(16).journal(false).build();

    @AfterAll
    static void removeStores() {
        STORES.afterSuite();
    }

    /** Both types stored natively by Chronicle Map; every change also goes to the journal. */
    @TestFactory
    DynamicNode stringKeysAndStringValuesFollowTheConcurrentMapContract() {
        return suite("StoreMap<String, String>", new StoreMapGenerator<>(String.class, String.class,
                new SampleElements<>("one", "two", "three", "four", "fünf"),
                new SampleElements<>("January", "February", "March", "April", "Mai – 五月"),
                () -> STORES.newMap(Codec.string(), Codec.string(), JOURNALED)));
    }

    /**
     * {@code byte[]} values, seen through {@link BytesValueMap}: {@code byte[]} has identity
     * {@code equals} and a store returns a new array on every read, so an {@code equals}-based
     * suite cannot check such a map directly. The adapter only converts values to content-compared
     * {@link Bytes}; every operation, view and iterator step is the store's own.
     */
    @TestFactory
    DynamicNode longKeysAndByteArrayValuesFollowTheConcurrentMapContract() {
        return suite("StoreMap<Long, byte[]> seen as Bytes", new StoreMapGenerator<>(Long.class, Bytes.class,
                new SampleElements<>(1L, -2L, 3_000_000_000L, Long.MIN_VALUE, Long.MAX_VALUE),
                new SampleElements<>(Bytes.of(1), Bytes.of(0, 0, 0), Bytes.of(0xff, 0x80, 7), Bytes.of(),
                        Bytes.of(42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42)),
                () -> new BytesValueMap<>(STORES.newMap(Codec.int64(), Codec.bytes(), UNJOURNALED))));
    }

    /** As above, unjournaled, with a near cache: every read after the first of a key is served from the heap. */
    private static final MapOptions NEAR = MapOptions.builder()
            .entries(1000).averageKeySize(16).averageValueSize(16).journal(false).nearCache(100).build();

    /** Reads through a near cache (issue 16): copies checked by stripe versions must honour the whole contract. */
    @TestFactory
    DynamicNode stringKeysAndValuesThroughANearCacheFollowTheConcurrentMapContract() {
        return suite("StoreMap<String, String> through a near cache", new StoreMapGenerator<>(String.class, String.class,
                new SampleElements<>("one", "two", "three", "four", "fünf"),
                new SampleElements<>("January", "February", "March", "April", "Mai – 五月"),
                () -> STORES.newMap(Codec.string(), Codec.string(), NEAR)));
    }

    /** byte[] values through a near cache: copied out at every hit, refilled in place. */
    @TestFactory
    DynamicNode byteArrayValuesThroughANearCacheFollowTheConcurrentMapContract() {
        return suite("StoreMap<Long, byte[]> through a near cache, seen as Bytes", new StoreMapGenerator<>(Long.class,
                Bytes.class, new SampleElements<>(1L, -2L, 3_000_000_000L, Long.MIN_VALUE, Long.MAX_VALUE),
                new SampleElements<>(Bytes.of(1), Bytes.of(0, 0, 0), Bytes.of(0xff, 0x80, 7), Bytes.of(),
                        Bytes.of(42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42)),
                () -> new BytesValueMap<>(STORES.newMap(Codec.int64(), Codec.bytes(), NEAR))));
    }

    /** Record values converted by the JSON codec. */
    @TestFactory
    DynamicNode integerKeysAndJsonRecordValuesFollowTheConcurrentMapContract() {
        return suite("StoreMap<Integer, Item> with JSON values", new StoreMapGenerator<>(Integer.class, Item.class,
                new SampleElements<>(1, 2, 3, Integer.MIN_VALUE, Integer.MAX_VALUE),
                new SampleElements<>(new Item("a", 1, List.of()), new Item("b", 2, List.of("x")),
                        new Item("c", 3, List.of("x", "y")), new Item("d", -4, List.of("ä")),
                        new Item("e", 5, List.of("y", "x"))),
                () -> STORES.newMap(Codec.int32(), Codec.json(Item.class), UNJOURNALED)));
    }

    /** Record keys converted by the JSON codec and compared by their bytes. */
    @TestFactory
    DynamicNode jsonRecordKeysFollowTheConcurrentMapContract() {
        return suite("StoreMap<Item, String> with JSON keys", new StoreMapGenerator<>(Item.class, String.class,
                new SampleElements<>(new Item("a", 1, List.of()), new Item("a", 2, List.of()),
                        new Item("a", 1, List.of("x")), new Item("b", 1, List.of()),
                        new Item("b", 1, List.of("x", "y"))),
                new SampleElements<>("one", "two", "three", "four", "five"),
                () -> STORES.newMap(Codec.json(Item.class), Codec.string(), UNJOURNALED)));
    }

    private static <K, V> DynamicNode suite(String name, StoreMapGenerator<K, V> generator) {
        return JUnit3Tests.of(ConcurrentMapTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(STORES::afterTest)
                .createTestSuite());
    }
}
