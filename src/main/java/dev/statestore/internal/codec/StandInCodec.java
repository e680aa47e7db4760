package dev.statestore.internal.codec;

import dev.statestore.Codec;

import java.util.Objects;

/**
 * Reads and writes as a generic codec does (JSON as trees, a user codec's bytes as they are) but
 * names another Java type in the metadata of a store it creates: how the replication applier
 * creates a store of JSON records or of a user codec whose classes this process does not have.
 * The store then records the origin's type names, so the application that opens it later with
 * its own types ({@code map(name, Session.class, ...)}) finds the names it expects, not
 * {@code JsonNode} or {@code byte[]}. Reattaching compares codec ids and the types the codecs
 * report, as for any codec.
 *
 * @param <T> the generic codec's type
 */
public final class StandInCodec<T> implements Codec<T> {
    private final Codec<T> generic;
    private final String recordedTypeName;

    public StandInCodec(Codec<T> generic, String recordedTypeName) {
        this.generic = Objects.requireNonNull(generic, "generic");
        this.recordedTypeName = Objects.requireNonNull(recordedTypeName, "recordedTypeName");
    }

    /** The Java type name a store created with {@code codec} records: a stand-in's, or the codec's type. */
    public static String recordedTypeName(Codec<?> codec) {
        return codec instanceof StandInCodec<?> s ? s.recordedTypeName : codec.type().getName();
    }

    @Override
    public String id() {
        return generic.id();
    }

    @Override
    public Class<T> type() {
        return generic.type();
    }

    @Override
    public byte[] encode(T value) {
        return generic.encode(value);
    }

    @Override
    public T decode(byte[] bytes) {
        return generic.decode(bytes);
    }

    @Override
    public String toString() {
        return generic + " as " + recordedTypeName;
    }
}
