package dev.statestore;

/** What a {@link ChangeEvent} records. */
public enum ChangeType {
    /** A key was inserted or its value replaced (put, putIfAbsent, replace, compute, merge, setValue...). */
    PUT,
    /** A key was removed by remove, an iterator or view removal, removeIf, or compute returning null. */
    REMOVE,
    /** A key was removed because its time to live ran out. */
    EXPIRE,
    /** A key was removed to keep the store within its size bound. */
    EVICT,
    /** A key was removed by {@code clear()}: one event per removed key. */
    CLEAR;

    private static final ChangeType[] VALUES = values();

    /** The wire code of this type in the journal (stable: never reorder). */
    public int code() {
        return ordinal() + 1;
    }

    public static ChangeType ofCode(int code) {
        if (code < 1 || code > VALUES.length) {
            throw new IllegalArgumentException("unknown change type code " + code);
        }
        return VALUES[code - 1];
    }
}
