package dev.statestore.internal.codec;

import dev.statestore.Codec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Objects;

/**
 * Records and POJOs as JSON through Jackson. Properties, map entries and set elements are written
 * in sorted order so that equal objects give equal bytes (keys are compared by their bytes). Jackson's
 * polymorphic typing is off: the bytes never choose which class is instantiated.
 */
public final class JsonCodec<T> implements Codec<T> {
    public static final String ID = "json";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(CanonicalSetSerializer.module())
            .build();

    private final Class<T> type;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    private JsonCodec(Class<T> type) {
        this.type = type;
        this.writer = MAPPER.writerFor(type);
        this.reader = MAPPER.readerFor(type);
    }

    public static <T> JsonCodec<T> of(Class<T> type) {
        return new JsonCodec<>(Objects.requireNonNull(type, "type"));
    }

    /** A codec that reads any JSON as a tree: how the command line shows a store whose class it lacks. */
    public static JsonCodec<JsonNode> tree() {
        return new JsonCodec<>(JsonNode.class);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] encode(T value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode JSON as " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "json(" + type.getName() + ")";
    }
}
