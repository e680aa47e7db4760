package dev.statestore;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.SampleElements;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import dev.statestore.conformance.Bytes;
import dev.statestore.conformance.BytesValueMap;
import dev.statestore.conformance.Item;
import dev.statestore.conformance.StoreFixture;
import dev.statestore.conformance.StoreMapGenerator;
import junit.extensions.TestSetup;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.util.List;

/**
 * Guava testlib's {@code ConcurrentMap} contract suite (a third-party suite of some thousands of
 * tests: every method, the three views, their iterators, {@code equals}/{@code hashCode}, the
 * Java 8 defaults, the {@code ConcurrentMap} atomics) run over {@link StoreMap}, each test on a
 * fresh, empty store. Run by JUnit 5's vintage engine through {@link #suite()}.
 *
 * <ul>
 *   <li>{@code String -> String}: both types stored natively by Chronicle Map;</li>
 *   <li>{@code Long -> byte[]}: through {@link BytesValueMap}, a documented, convert-only adapter
 *       that shows values as content-compared {@link Bytes}, because {@code byte[]}'s identity
 *       {@code equals} cannot satisfy an {@code equals}-based suite (a store returns a new array
 *       on every read);</li>
 *   <li>{@code Integer -> Item} (a record through the JSON codec): values converted by a codec;</li>
 *   <li>{@code Item -> String}: keys converted by the JSON codec and compared by their bytes.</li>
 * </ul>
 *
 * <p>Features claimed: any size, general purpose (put, remove, clear; null keys, values and
 * queries refused with {@code NullPointerException}), iterator remove. Not claimed: null
 * support, a known iteration order, serialization, fail-fast iterators (they are weakly
 * consistent, as {@code ConcurrentMap} allows).
 */
public class StoreMapConformanceTest {

    private StoreMapConformanceTest() {
    }

    public static Test suite() {
        StoreFixture fixture = new StoreFixture("conformance");
        TestSuite all = new TestSuite("StoreMap conformance (Guava testlib ConcurrentMapTestSuiteBuilder)");

        all.addTest(suite(fixture, "StoreMap<String, String>", new StoreMapGenerator<>(String.class, String.class,
                new SampleElements<>("one", "two", "three", "four", "fünf"),
                new SampleElements<>("January", "February", "March", "April", "Mai – 五月"),
                () -> fixture.newMap(Codec.string(), Codec.string()))));

        all.addTest(suite(fixture, "StoreMap<Long, byte[]> as Bytes", new StoreMapGenerator<>(Long.class, Bytes.class,
                new SampleElements<>(1L, -2L, 3_000_000_000L, Long.MIN_VALUE, Long.MAX_VALUE),
                new SampleElements<>(Bytes.of(1), Bytes.of(0, 0, 0), Bytes.of(0xff, 0x80, 7), Bytes.of(),
                        Bytes.of(42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42)),
                () -> new BytesValueMap<>(fixture.newMap(Codec.int64(), Codec.bytes())))));

        all.addTest(suite(fixture, "StoreMap<Integer, Item> via JSON", new StoreMapGenerator<>(Integer.class, Item.class,
                new SampleElements<>(1, 2, 3, Integer.MIN_VALUE, Integer.MAX_VALUE),
                new SampleElements<>(new Item("a", 1, List.of()), new Item("b", 2, List.of("x")),
                        new Item("c", 3, List.of("x", "y")), new Item("d", -4, List.of("ä")),
                        new Item("e", 5, List.of("y", "x"))),
                () -> fixture.newMap(Codec.int32(), Codec.json(Item.class)))));

        all.addTest(suite(fixture, "StoreMap<Item, String> via JSON keys", new StoreMapGenerator<>(Item.class, String.class,
                new SampleElements<>(new Item("a", 1, List.of()), new Item("a", 2, List.of()),
                        new Item("a", 1, List.of("x")), new Item("b", 1, List.of()), new Item("b", 1, List.of("x", "y"))),
                new SampleElements<>("one", "two", "three", "four", "five"),
                () -> fixture.newMap(Codec.json(Item.class), Codec.string()))));

        return new TestSetup(all) {
            @Override
            protected void tearDown() {
                fixture.afterSuite();
            }
        };
    }

    private static <K, V> Test suite(StoreFixture fixture, String name, StoreMapGenerator<K, V> generator) {
        return ConcurrentMapTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(CollectionSize.ANY, MapFeature.GENERAL_PURPOSE,
                        CollectionFeature.SUPPORTS_ITERATOR_REMOVE)
                .withTearDown(fixture::afterTest)
                .createTestSuite();
    }
}
