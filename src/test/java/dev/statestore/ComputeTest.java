package dev.statestore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What {@link StoreMap#compute} returns on a store without expiry: the value as a read of the
 * stored bytes gives it (the engine takes it from the bytes it wrote rather than reading them back),
 * the caller's own, so changing it changes neither the map nor the array the function returned.
 */
class ComputeTest {
    @TempDir
    Path dir;

    @Test
    void returnsACopyOfTheByteArrayWrittenThatTheCallerMayChange() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, byte[]> m = store.map("bytes", String.class, byte[].class);
            byte[] given = {1, 2, 3};
            byte[] result = m.compute("k", (k, old) -> given);
            assertArrayEquals(new byte[] {1, 2, 3}, result);
            assertNotSame(given, result);

            result[0] = 9;
            given[1] = 9;
            assertArrayEquals(new byte[] {1, 2, 3}, m.get("k"));

            byte[] updated = m.compute("k", (k, old) -> new byte[] {old[0], old[1], 4});
            assertArrayEquals(new byte[] {1, 2, 4}, updated);
            assertArrayEquals(new byte[] {1, 2, 4}, m.get("k"));
        }
    }

    @Test
    void returnsTheDecodedValueOfAnEncodedStoreAndNullWhenItRemoves() {
        try (StateStore store = StateStore.open(dir)) {
            StoreMap<String, CodecTest.Address> m = store.map("records", String.class, CodecTest.Address.class);
            CodecTest.Address address = new CodecTest.Address("1 Main St", "Springfield");
            assertEquals(address, m.compute("k", (k, old) -> address));
            assertEquals(address, m.get("k"));
            assertEquals(new CodecTest.Address("1 Main St", "Shelbyville"),
                    m.compute("k", (k, old) -> new CodecTest.Address(old.street(), "Shelbyville")));

            assertNull(m.compute("k", (k, old) -> null));
            assertFalse(m.containsKey("k"));
            assertNull(m.compute("absent", (k, old) -> null));
            assertFalse(m.containsKey("absent"));
        }
    }
}
