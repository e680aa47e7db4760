package dev.statestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in codecs, the JSON codec, {@link Codec#forType} and user codecs in a store. */
class CodecTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- built-in codecs

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "héllo wörld", "日本語のテキスト", "emoji 🙂 and clef 𝄞", "tab\tnew\nline",
            "nul \u0000 inside", "Ωμέγα – ‘quotes’"})
    void stringCodecRoundTripsTextAsUtf8(String text) {
        byte[] bytes = Codec.string().encode(text);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes);
        assertEquals(text, Codec.string().decode(bytes));
    }

    @Test
    void bytesCodecRoundTripsEveryByteValueAndTheEmptyArray() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, Codec.bytes().decode(Codec.bytes().encode(all)));
        assertArrayEquals(new byte[0], Codec.bytes().decode(Codec.bytes().encode(new byte[0])));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 42, -123_456_789_012L, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE - 1L})
    void int64CodecRoundTripsAsEightBytes(long value) {
        byte[] bytes = Codec.int64().encode(value);
        assertEquals(8, bytes.length);
        assertEquals(value, Codec.int64().decode(bytes));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 42, -123_456_789, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void int32CodecRoundTripsAsFourBytes(int value) {
        byte[] bytes = Codec.int32().encode(value);
        assertEquals(4, bytes.length);
        assertEquals(value, Codec.int32().decode(bytes));
    }

    @Test
    void integerCodecsWriteLittleEndian() {
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, Codec.int64().encode(0x0102030405060708L));
        assertArrayEquals(new byte[] {4, 3, 2, 1}, Codec.int32().encode(0x01020304));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, Codec.int32().encode(-1));
    }

    @Test
    void integerCodecsRefuseBytesOfTheWrongLength() {
        IllegalArgumentException e64 = assertThrows(IllegalArgumentException.class, () -> Codec.int64().decode(new byte[7]));
        assertTrue(e64.getMessage().contains("int64") && e64.getMessage().contains("8 bytes"), e64.getMessage());
        IllegalArgumentException e32 = assertThrows(IllegalArgumentException.class, () -> Codec.int32().decode(new byte[5]));
        assertTrue(e32.getMessage().contains("int32") && e32.getMessage().contains("4 bytes"), e32.getMessage());
    }

    @Test
    void builtinCodecsHaveTheirDocumentedIds() {
        assertEquals("string", Codec.string().id());
        assertEquals("bytes", Codec.bytes().id());
        assertEquals("int64", Codec.int64().id());
        assertEquals("int32", Codec.int32().id());
        assertEquals("json", Codec.json(Person.class).id());
    }

    // ---------------------------------------------------------------- forType

    @Test
    void forTypePicksTheBuiltInCodec() {
        assertSame(Codec.string(), Codec.forType(String.class));
        assertSame(Codec.bytes(), Codec.forType(byte[].class));
        assertSame(Codec.int64(), Codec.forType(Long.class));
        assertSame(Codec.int32(), Codec.forType(Integer.class));
        assertEquals("json", Codec.forType(Person.class).id());
        assertEquals(Person.class, Codec.forType(Person.class).type());
        assertEquals("json", Codec.forType(Profile.class).id());
    }

    interface Shape {
    }

    public abstract static class AbstractShape {
    }

    public static class NoDefaultConstructor {
        public NoDefaultConstructor(int x) {
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {Object.class, Shape.class, Runnable.class, AbstractShape.class, NoDefaultConstructor.class,
            LocalDate.class, List.class, Map.class, int[].class})
    void forTypeRefusesTypesWithoutABuiltInCodecNamingTheFix(Class<?> type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Codec.forType(type));
        assertTrue(e.getMessage().contains("No built-in codec for " + type.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("pass a Codec<" + type.getSimpleName() + ">"), e.getMessage());
        assertTrue(e.getMessage().contains("map(name, keyCodec, valueCodec, options)"), e.getMessage());
    }

    @Test
    void storeOfATypeWithoutCodecIsRefusedBeforeAnythingIsCreated() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            assertThrows(IllegalArgumentException.class, () -> store.map("things", String.class, Object.class));
        }
        assertFalse(Files.exists(dir.resolve("things")));
    }

    // ---------------------------------------------------------------- JSON

    /** A record with the shapes JSON must keep: text, numbers, null, a list, a map, a nested record. */
    public record Person(String name, int age, double score, String nickname, List<String> tags,
                         Map<String, Integer> counts, Address address) {
    }

    public record Address(String street, String city) {
    }

    /** A POJO: public class, public no-argument constructor, getters and setters. */
    public static class Profile {
        private String login;
        private long visits;
        private Map<String, String> settings = new LinkedHashMap<>();

        public Profile() {
        }

        Profile(String login, long visits, Map<String, String> settings) {
            this.login = login;
            this.visits = visits;
            this.settings = settings;
        }

        public String getLogin() {
            return login;
        }

        public void setLogin(String login) {
            this.login = login;
        }

        public long getVisits() {
            return visits;
        }

        public void setVisits(long visits) {
            this.visits = visits;
        }

        public Map<String, String> getSettings() {
            return settings;
        }

        public void setSettings(Map<String, String> settings) {
            this.settings = settings;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Profile && Objects.equals(login, ((Profile) o).login) && visits == ((Profile) o).visits
                    && Objects.equals(settings, ((Profile) o).settings);
        }

        @Override
        public int hashCode() {
            return Objects.hash(login, visits, settings);
        }
    }

    private static Person person(Map<String, Integer> counts) {
        return new Person("Zoë", 42, 0.1 + 0.2, null, List.of("b", "a"), counts, new Address("Hauptstraße 1", "Zürich"));
    }

    @Test
    void jsonCodecRoundTripsARecord() {
        Codec<Person> codec = Codec.json(Person.class);
        Person p = person(Map.of("x", 1, "y", -2));
        assertEquals(p, codec.decode(codec.encode(p)));
    }

    @Test
    void jsonCodecRoundTripsAPojo() {
        Codec<Profile> codec = Codec.json(Profile.class);
        Profile p = new Profile("zoe", 1L << 40, new LinkedHashMap<>(Map.of("theme", "dark", "lang", "de")));
        assertEquals(p, codec.decode(codec.encode(p)));
    }

    @Test
    void jsonCodecWritesEqualRecordsAsEqualBytesWhateverTheMapInsertionOrder() {
        Map<String, Integer> forward = new LinkedHashMap<>();
        Map<String, Integer> backward = new LinkedHashMap<>();
        List<String> keys = List.of("delta", "alpha", "charlie", "bravo", "echo", "Ärger", "0");
        for (int i = 0; i < keys.size(); i++) {
            forward.put(keys.get(i), i);
        }
        for (int i = keys.size() - 1; i >= 0; i--) {
            backward.put(keys.get(i), i);
        }
        assertNotEquals(List.copyOf(forward.keySet()), List.copyOf(backward.keySet()), "precondition: orders differ");
        Person a = person(forward);
        Person b = person(backward);
        assertEquals(a, b);

        Codec<Person> codec = Codec.json(Person.class);
        assertArrayEquals(codec.encode(a), codec.encode(b));
        assertArrayEquals(codec.encode(a), codec.encode(person(new TreeMap<>(forward))));
    }

    @Test
    void jsonCodecWritesEqualPojosAsEqualBytesWhateverTheMapInsertionOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("b", "2");
        forward.put("a", "1");
        forward.put("c", "3");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("c", "3");
        backward.put("a", "1");
        backward.put("b", "2");
        Codec<Profile> codec = Codec.json(Profile.class);
        assertArrayEquals(codec.encode(new Profile("zoe", 7, forward)), codec.encode(new Profile("zoe", 7, backward)));
    }

    public record Tagged(String id, Set<String> tags) {
    }

    /**
     * Two equal hash sets can iterate in different orders (here: the same elements in a small
     * and a large table). Equal records must still give equal bytes, or a key holding a set is
     * not found again.
     */
    @Test
    void jsonCodecWritesEqualSetsAsEqualBytesWhateverTheirIterationOrder() {
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            elements.add("tag-" + i);
        }
        Set<String> small = new HashSet<>(elements);
        Set<String> large = new HashSet<>(4096);
        large.addAll(elements);
        assertEquals(small, large);
        assertNotEquals(List.copyOf(small), List.copyOf(large), "precondition: iteration orders differ");

        Codec<Tagged> codec = Codec.json(Tagged.class);
        assertArrayEquals(codec.encode(new Tagged("t", small)), codec.encode(new Tagged("t", large)));
        assertEquals(new Tagged("t", small), codec.decode(codec.encode(new Tagged("t", large))));
    }

    @Test
    void recordKeyHoldingASetIsFoundWithAnEqualSetThatIteratesDifferently() {
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            elements.add("tag-" + i);
        }
        Set<String> large = new HashSet<>(4096);
        large.addAll(elements);
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<Tagged, String> m = store.map("tagged", Codec.json(Tagged.class), Codec.string(),
                    MapOptions.builder().entries(1000).build());
            m.put(new Tagged("t", new HashSet<>(elements)), "found");
            assertEquals("found", m.get(new Tagged("t", large)));
            assertEquals(1, m.size());
        }
    }

    public record Envelope(String kind, Object payload) {
    }

    @Test
    void jsonCodecNeverInstantiatesAClassNamedInTheBytes() {
        byte[] hostile = ("{\"kind\":\"x\",\"payload\":{\"@class\":\"java.lang.ProcessBuilder\","
                + "\"command\":[\"touch\",\"" + dir.resolve("pwned") + "\"]}}").getBytes(StandardCharsets.UTF_8);
        Envelope decoded = Codec.json(Envelope.class).decode(hostile);
        assertInstanceOf(Map.class, decoded.payload());
        assertFalse(Files.exists(dir.resolve("pwned")));
    }

    @Test
    void jsonCodecRefusesBytesThatAreNotJsonOfItsTypeNamingTheType() {
        Codec<Person> codec = Codec.json(Person.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.decode("{not json".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(Person.class.getName()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.decode("[1,2]".getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- user codecs in a store

    /** A user codec: {@link LocalDate} as ISO-8601 text. */
    static final class IsoDateCodec implements Codec<LocalDate> {
        @Override
        public String id() {
            return "iso-date";
        }

        @Override
        public Class<LocalDate> type() {
            return LocalDate.class;
        }

        @Override
        public byte[] encode(LocalDate value) {
            return value.toString().getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public LocalDate decode(byte[] bytes) {
            return LocalDate.parse(new String(bytes, StandardCharsets.US_ASCII));
        }
    }

    public record Visit(String who, int minutes, List<String> rooms) {
    }

    @Test
    void storeWithUserCodecKeysAndRecordValuesRoundTripsThroughAReopen() {
        MapOptions options = MapOptions.builder().entries(1000).build();
        LocalDate day = LocalDate.of(2024, 2, 29);
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<LocalDate, Visit> visits = store.map("visits", new IsoDateCodec(), Codec.json(Visit.class), options);
            visits.put(day, new Visit("zoë", 90, List.of("lab", "café")));
            visits.put(LocalDate.of(1999, 12, 31), new Visit("y2k", 1, List.of()));
            assertEquals("iso-date", visits.keyCodec().id());
        }
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<LocalDate, Visit> visits = store.map("visits", new IsoDateCodec(), Codec.json(Visit.class), options);
            assertEquals(2, visits.size());
            assertEquals(new Visit("zoë", 90, List.of("lab", "café")), visits.get(LocalDate.parse("2024-02-29")));
            assertEquals(Set.of(day, LocalDate.of(1999, 12, 31)), Set.copyOf(visits.keySet()));
            assertTrue(visits.remove(LocalDate.of(1999, 12, 31), new Visit("y2k", 1, List.of())));
            assertEquals(Map.of(day, new Visit("zoë", 90, List.of("lab", "café"))), Map.copyOf(visits));
        }
    }

    @Test
    void storeOfAUserCodecIsRefusedWithAnotherCodecOfTheSameType() {
        try (StateStore store = StateStore.open(dir)) {
            store.map("visits", new IsoDateCodec(), Codec.string(), MapOptions.builder().entries(1000).build()).put(LocalDate.EPOCH, "x");
        }
        Codec<LocalDate> epochDays = new Codec<>() {
            @Override
            public String id() {
                return "epoch-days";
            }

            @Override
            public Class<LocalDate> type() {
                return LocalDate.class;
            }

            @Override
            public byte[] encode(LocalDate value) {
                return Codec.int64().encode(value.toEpochDay());
            }

            @Override
            public LocalDate decode(byte[] bytes) {
                return LocalDate.ofEpochDay(Codec.int64().decode(bytes));
            }
        };
        try (StateStore store = StateStore.open(dir)) {
            TypeMismatchException e = assertThrows(TypeMismatchException.class,
                    () -> store.map("visits", epochDays, Codec.string(), MapOptions.defaults()));
            assertTrue(e.getMessage().contains("java.time.LocalDate (iso-date)"), e.getMessage());
            assertTrue(e.getMessage().contains("java.time.LocalDate (epoch-days)"), e.getMessage());
        }
    }
}
