package dev.statestore.internal.chronicle;

import dev.statestore.StoreFullException;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.util.Set;

/**
 * Chronicle's failures as the typed errors users handle, told apart by exception type, where it was
 * thrown and its cause, never by message text. What each rule relies on, checked by
 * {@code ChronicleErrorsTest} against the Chronicle version in use:
 *
 * <ul>
 *   <li><b>no room for another tier</b>: Chronicle Map 2026.1 throws an
 *       {@link IllegalStateException} from {@code VanillaChronicleHash.allocateTier} when a segment
 *       needs an extra tier and the map has used all it may (entries times maxGrowth);</li>
 *   <li><b>an entry too large</b>: an {@link IllegalArgumentException} from the query context's
 *       {@code allocReturnCode} (a new entry) or {@code innerDefaultReplaceValue} (a value
 *       replaced) when the entry takes more chunks than one entry may;</li>
 *   <li><b>the file cannot grow</b>: a {@link RuntimeException} caused by an {@link IOException}
 *       while Chronicle maps another bulk of tiers ({@code mapTierBulks}; on Linux it
 *       {@code fallocate}s the space first and fails when the disk is short of it).</li>
 * </ul>
 */
public final class ChronicleErrors {
    static final String TIER_ALLOCATION = "allocateTier";
    static final Set<String> ENTRY_ALLOCATION = Set.of("allocReturnCode", "innerDefaultReplaceValue");

    private ChronicleErrors() {
    }

    /**
     * {@code e}, thrown by an operation on the map of store {@code store}, as a
     * {@link StoreFullException} when it is one of the cases above; else {@code e} itself.
     *
     * @param sizingHint the sizing the store was created with, named in the message
     */
    public static RuntimeException translate(String store, ChronicleMap<?, ?> map, String sizingHint, RuntimeException e) {
        if (e instanceof IllegalStateException && thrownBy(e, Set.of(TIER_ALLOCATION))) {
            return new StoreFullException("Store '" + store + "' is full (" + map.longSize() + " entries): "
                    + sizingHint + ". Resize it with 'statestore compact " + store + " --entries N' (no process attached),"
                    + " or raise entries or maxGrowth (MapOptions, or the config keys) for a new store", e);
        }
        if (e instanceof IllegalArgumentException && thrownBy(e, ENTRY_ALLOCATION)) {
            return new StoreFullException("Store '" + store + "': an entry is too large for the sizing the store was"
                    + " created with (" + sizingHint + "). Create the store with a larger averageKeySize /"
                    + " averageValueSize", e);
        }
        IOException io = cause(e, IOException.class);
        if (io != null) {
            return new StoreFullException("Store '" + store + "': the map file cannot grow (" + io.getMessage()
                    + "). Free disk space on the data directory's file system", e);
        }
        return e;
    }

    /** Whether the frame that threw {@code e} is a Chronicle method named one of {@code methods}. */
    static boolean thrownBy(Throwable e, Set<String> methods) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("net.openhft.chronicle.")
                && methods.contains(trace[0].getMethodName());
    }

    /** The first throwable of type {@code type} in {@code e}'s cause chain (itself included), or null. */
    public static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
