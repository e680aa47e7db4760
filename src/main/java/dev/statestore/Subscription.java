package dev.statestore;

/** A running subscription to a store's journal. Closing it stops its thread. */
public interface Subscription extends AutoCloseable {

    /** The name of a durable subscription, or null. */
    String name();

    /** The sequence of the last event delivered to the listener, or -1 before the first. */
    long lastSequence();

    /** Whether the subscription still delivers events (false after close, or after the error handler stopped it). */
    boolean isRunning();

    /** Stops delivering and waits for the listener's current call to return. Idempotent. */
    @Override
    void close();
}
