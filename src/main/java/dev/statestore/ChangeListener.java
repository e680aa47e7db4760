package dev.statestore;

/**
 * Receives the changes of a store, in journal order, on the subscription's own thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface ChangeListener<K, V> {
    /**
     * Called once per event (at least once for named subscriptions: an event being handled when the
     * process dies is delivered again after the restart). An exception is passed to the
     * subscription's {@link SubscribeOptions.ErrorHandler}.
     */
    void onChange(ChangeEvent<K, V> event) throws Exception;
}
