package dev.statestore.internal.near;

import java.util.Arrays;

/**
 * A key kept as bytes (a {@code byte[]} key, or one a codec encodes), compared by content: what
 * the near cache is keyed by when the stored key is an array, whose own equality is identity.
 */
final class BytesKey {
    private final byte[] bytes;
    private final int hash;

    BytesKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** A key to keep: its own copy, so a caller that changes its array afterwards changes nothing here. */
    BytesKey kept() {
        return new BytesKey(bytes.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
