package dev.statestore.internal.files;

import dev.statestore.MapOptions;
import dev.statestore.StateStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code store.json} read without an ObjectMapper: what it takes it reads as Jackson binds it,
 * and every file not in this build's own form is left to Jackson.
 */
class CanonicalMetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void readsTheFilesThisBuildWritesAsJacksonBindsThem() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("plain", String.class, byte[].class);
            store.map("cache", Long.class, String.class, MapOptions.builder().entries(5000).ttl(Duration.ofSeconds(30))
                    .expireAfterAccess(true).maxEntries(4000).build());
            store.map("bytes", String.class, String.class, MapOptions.builder().maxBytes(64L << 20).build());
        }
        for (String name : new String[] {"plain", "cache", "bytes"}) {
            byte[] bytes = Files.readAllBytes(dir.resolve(name).resolve(StoreMetadata.FILE_NAME));
            StoreMetadata fast = CanonicalMetadata.parse(bytes);
            assertNotNull(fast, name);
            assertEquals(StoreMetadata.bind(bytes, dir.resolve(name), name), fast, name);
            assertEquals(fast, StoreMetadata.read(dir.resolve(name), name));
        }
        // a double written as a whole number is still this build's form
        byte[] wholeGrowth = edit(o -> o.put("maxGrowth", 10));
        assertEquals(StoreMetadata.bind(wholeGrowth, dir.resolve("plain"), "plain"), CanonicalMetadata.parse(wholeGrowth));
    }

    @Test
    void leavesEveryOtherFileToJackson() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.map("plain", String.class, byte[].class);
        }
        Map<String, byte[]> others = new LinkedHashMap<>();
        others.put("format 3", edit(o -> o.put("format", 3)));
        others.put("format 5", edit(o -> o.put("format", 5)));
        others.put("a field missing", edit(o -> o.remove("maxBytes")));
        others.put("a field unknown", edit(o -> o.put("extra", 1)));
        others.put("a field replaced by an unknown one", edit(o -> {
            o.remove("maxBytes");
            o.put("maxBytez", 0);
        }));
        others.put("null", edit(o -> o.putNull("entries")));
        others.put("null text", edit(o -> o.putNull("name")));
        others.put("number as text", edit(o -> o.put("entries", "1000")));
        others.put("text as number", edit(o -> o.put("sync", 1)));
        others.put("int as float", edit(o -> o.put("averageKeySize", 14.0)));
        others.put("int out of range", edit(o -> o.put("averageKeySize", 3_000_000_000L)));
        others.put("long out of range", edit(o -> o.put("entries", new java.math.BigInteger("99999999999999999999"))));
        others.put("boolean as number", edit(o -> o.put("journal", 1)));
        others.put("an object", edit(o -> o.putObject("created")));
        String text = new String(edit(o -> { }), StandardCharsets.UTF_8);
        others.put("a field twice", text.replaceFirst("\\{", "{\"maxBytes\" : 5,").getBytes(StandardCharsets.UTF_8));
        others.put("trailing content", (text + " {}").getBytes(StandardCharsets.UTF_8));
        others.put("cut short", text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8));
        others.put("an array", "[1, 2]".getBytes(StandardCharsets.UTF_8));
        others.put("empty", new byte[0]);
        for (Map.Entry<String, byte[]> e : others.entrySet()) {
            assertNull(CanonicalMetadata.parse(e.getValue()), e.getKey());
        }
        assertNotNull(CanonicalMetadata.parse(text.getBytes(StandardCharsets.UTF_8)), "the unedited file");
    }

    /** The metadata of store 'plain', edited. */
    private byte[] edit(Consumer<ObjectNode> change) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(dir.resolve("plain").resolve(StoreMetadata.FILE_NAME).toFile());
        change.accept(o);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }
}
