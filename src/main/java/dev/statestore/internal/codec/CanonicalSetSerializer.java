package dev.statestore.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.CollectionType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Writes every {@link Set} as a JSON array sorted by the elements' own JSON text (written by
 * {@link JsonCodec#MAPPER}, so sets and maps inside them are canonical too). Two equal sets can
 * iterate in different orders (a {@code HashSet}'s order depends on its table size, a
 * {@code LinkedHashSet}'s on insertion), and equal objects must give equal bytes: keys are
 * compared by their bytes.
 */
final class CanonicalSetSerializer extends StdSerializer<Set<?>> {
    private static final long serialVersionUID = 1L;

    private CanonicalSetSerializer() {
        super(Set.class, false);
    }

    /** A module that writes sets in canonical order. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("statestore-canonical-sets");
        module.setSerializerModifier(new BeanSerializerModifier() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonSerializer<?> modifyCollectionSerializer(SerializationConfig config, CollectionType type,
                                                                BeanDescription description, JsonSerializer<?> serializer) {
                return Set.class.isAssignableFrom(type.getRawClass()) ? new CanonicalSetSerializer() : serializer;
            }
        });
        return module;
    }

    @Override
    public void serialize(Set<?> set, JsonGenerator gen, SerializerProvider provider) throws IOException {
        List<String> encoded = new ArrayList<>(set.size());
        for (Object element : set) {
            encoded.add(JsonCodec.MAPPER.writeValueAsString(element));
        }
        Collections.sort(encoded);
        gen.writeStartArray(set, encoded.size());
        for (String element : encoded) {
            gen.writeRawValue(element);
        }
        gen.writeEndArray();
    }
}
