package dev.statestore.internal.codec;

import dev.statestore.Codec;

/**
 * Stands in for a user codec this process does not have (the command line reading a store written
 * with a custom {@code Codec}): same id, so the store accepts it, but it sees the raw bytes.
 */
public final class OpaqueCodec implements Codec<byte[]> {
    private final String id;

    public OpaqueCodec(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Class<byte[]> type() {
        return byte[].class;
    }

    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    @Override
    public byte[] decode(byte[] bytes) {
        return bytes;
    }

    @Override
    public String toString() {
        return "opaque(" + id + ")";
    }
}
