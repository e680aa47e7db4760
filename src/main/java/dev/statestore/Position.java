package dev.statestore;

import java.util.Objects;

/**
 * Where a subscription starts reading the journal.
 * <ul>
 *   <li>{@link #START}: the oldest event the journal still holds;</li>
 *   <li>{@link #END}: only events written after the subscription starts;</li>
 *   <li>{@link #after(long)}: the events after a sequence number already seen;</li>
 *   <li>{@link #named(String)}: a durable subscription: it resumes after the last event it delivered,
 *   across restarts of the process (at least once: the event in hand when the process died is
 *   delivered again). A new name starts at {@link #START}, or where {@link #named(String, Position)}
 *   says. Journal retention never deletes what a named subscription has not read.</li>
 * </ul>
 */
public final class Position {
    public static final Position START = new Position(Kind.START, -1, null, null);
    public static final Position END = new Position(Kind.END, -1, null, null);

    /** The kinds of position. */
    public enum Kind { START, END, AFTER, NAMED }

    private final Kind kind;
    private final long sequence;
    private final String name;
    private final Position initial;

    private Position(Kind kind, long sequence, String name, Position initial) {
        this.kind = kind;
        this.sequence = sequence;
        this.name = name;
        this.initial = initial;
    }

    /** The events after {@code sequence}. */
    public static Position after(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
        }
        return new Position(Kind.AFTER, sequence, null, null);
    }

    /** The durable subscription {@code name}, starting at {@link #START} the first time. */
    public static Position named(String name) {
        return named(name, START);
    }

    /** The durable subscription {@code name}, starting at {@code initial} the first time. */
    public static Position named(String name, Position initial) {
        StoreConfig.checkStoreName(name);
        Objects.requireNonNull(initial, "initial");
        if (initial.kind == Kind.NAMED) {
            throw new IllegalArgumentException("the initial position of a named subscription cannot be named");
        }
        return new Position(Kind.NAMED, -1, name, initial);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#AFTER}: the sequence after which reading starts. */
    public long sequence() {
        return sequence;
    }

    /** For {@link Kind#NAMED}: the subscription's name. */
    public String name() {
        return name;
    }

    /** For {@link Kind#NAMED}: where a subscription of a new name starts. */
    public Position initial() {
        return initial;
    }

    @Override
    public String toString() {
        switch (kind) {
            case AFTER: return "after(" + sequence + ")";
            case NAMED: return "named(" + name + ", " + initial + ")";
            default: return kind.name();
        }
    }
}
