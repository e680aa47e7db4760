package dev.statestore;

import java.time.Instant;
import java.util.List;

/**
 * What the registry knows of one store, as {@code ops/statestore ls} prints it.
 *
 * @param name store name
 * @param keyCodec codec id of the keys, e.g. {@code string}
 * @param keyType Java type of the keys
 * @param valueCodec codec id of the values
 * @param valueType Java type of the values
 * @param entries entries held now
 * @param capacity entries the store can hold at most (entries it was sized for times its growth allowance)
 * @param fillRatio share of its maximum capacity in use, 0.0 to 1.0
 * @param fileBytes bytes the store's files take on disk
 * @param created when the store was created
 * @param attached live processes attached to it
 */
public record StoreInfo(String name, String keyCodec, String keyType, String valueCodec, String valueType,
                        long entries, long capacity, double fillRatio, long fileBytes, Instant created,
                        List<AttachedProcess> attached) {

    /**
     * A live process attached to a store.
     *
     * @param pid process id
     * @param startTime when the process started (tells a reused PID apart)
     * @param host host name
     * @param attachTime when it attached
     */
    public record AttachedProcess(long pid, Instant startTime, String host, Instant attachTime) {
    }
}
