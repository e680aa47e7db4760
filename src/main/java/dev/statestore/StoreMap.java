package dev.statestore;

import java.util.concurrent.ConcurrentMap;

/**
 * A named store: a {@link ConcurrentMap} whose entries live in shared memory-mapped files.
 *
 * <p>Every method follows the {@link ConcurrentMap} contract: null keys and values are refused
 * with {@link NullPointerException}; {@code putIfAbsent}, {@code replace}, {@code remove(k, v)},
 * {@code compute*} and {@code merge} are atomic per key, across threads and across processes;
 * the views write through and their iterators are weakly consistent. Functions passed to
 * {@code compute*} and {@code merge} run while the key's stripe is locked in every process:
 * keep them short and do not touch the same store from them.
 *
 * <p>Keys are compared by their encoded bytes, not by {@code equals}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface StoreMap<K, V> extends ConcurrentMap<K, V> {

    /** The store's name. */
    String name();

    /** The codec of the keys. */
    Codec<K> keyCodec();

    /** The codec of the values. */
    Codec<V> valueCodec();

    /**
     * Entries the store holds, as a long. In a store with expiry, entries whose time to live has
     * run out are not counted, even before the sweeper removes them ({@code size()} likewise); this
     * then costs a pass over the entries.
     */
    long longSize();

    /**
     * As {@link #get}, reading the value into {@code reuse} when it can, as Chronicle Map's
     * {@code getUsing} does: for {@code byte[]} values, when {@code reuse} has the value's length
     * it is filled and returned, so a reader of fixed-size values allocates nothing per read; a
     * value of another length comes back in a new array. Values of immutable types ({@code
     * String}, {@code Long}, {@code Integer}, JSON records) are returned as {@link #get} returns
     * them, whatever {@code reuse} is. Counted as a get.
     *
     * @param reuse an array to read into, or null
     * @return the value ({@code reuse} itself when it was filled), or null when the key is absent
     */
    V getUsing(K key, V reuse);

    /**
     * Puts {@code key -> value} to expire {@code ttl} from now (an absolute deadline: it holds across
     * restarts). Once expired, the entry is returned by no read, and the store's sweeper removes it,
     * journaled as {@link ChangeType#EXPIRE}.
     *
     * @return the previous live value, or null
     * @throws UnsupportedOperationException when the store was created without expiry: create it with
     *         {@link MapOptions.Builder#ttl} or {@link MapOptions.Builder#perEntryTtl}
     */
    V put(K key, V value, java.time.Duration ttl);

    /**
     * Delivers the store's changes, from every process, to {@code listener} on a thread of its own,
     * waiting with {@link SubscribeOptions.WaitStrategy#PARK}. Returns once the subscription is
     * positioned: with {@link Position#END}, every change made after this call returns is delivered.
     *
     * @throws IllegalStateException when the store was created without a journal
     */
    Subscription subscribe(Position position, ChangeListener<K, V> listener);

    /** As {@link #subscribe(Position, ChangeListener)} with explicit wait strategy and error handling. */
    Subscription subscribe(Position position, ChangeListener<K, V> listener, SubscribeOptions options);

    /**
     * Reads and changes several keys as one atomic step, across threads and processes. The stripes
     * of all {@code keys} are locked in ascending order (so two such calls never deadlock); the
     * action gets a map limited to those keys, whose changes are buffered; when it returns, they
     * are journaled as one entry (replay and subscribers see all of them or none; a crash after
     * that entry is committed is finished by whoever takes the stripes over) and applied. If the
     * action throws, nothing changes.
     *
     * @param keys the keys the action may read and change
     * @param action runs once, with the stripes held: keep it short, do not use this store from it; its
     *        map is a plain {@code Map} to it but for {@link AtomicMap#expire}
     * @return what the action returned
     * @throws IllegalArgumentException when the action touches a key outside {@code keys}
     */
    <R> R atomically(java.util.Set<? extends K> keys, java.util.function.Function<? super AtomicMap<K, V>, ? extends R> action);

    /** Whether the store keeps a change journal. */
    boolean hasJournal();

    /**
     * How full the store is, from 0.0 to 1.0: the share of its maximum capacity (entries times
     * growth allowance) in use. At 1.0 a put fails with {@link StoreFullException}.
     */
    double fillRatio();
}
