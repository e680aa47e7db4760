package dev.statestore.internal.chronicle;

import dev.statestore.DiskFullException;
import dev.statestore.StoreFullException;
import dev.statestore.CorruptStoreException;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;
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
 *   <li><b>the file cannot grow</b>: a {@link RuntimeException} caused by a plain {@link IOException}
 *       thrown by Chronicle's {@code fallocate} while it maps another bulk of tiers
 *       ({@code mapTierBulks}; on Linux it reserves the space first and fails when the disk is short
 *       of it). Other I/O exceptions in the chain (a codec's, say) are not this.</li>
 *   <li><b>a map file changed under this process</b>: Chronicle's {@link InterProcessDeadLockException}
 *       (a segment lock that stayed taken, which under statestore's stripes only a lock word written
 *       by something else can be: see {@link ChronicleProperties#SEGMENT_LOCK_TIMEOUT}) and the
 *       exceptions of Chronicle's byte layer ({@code net.openhft.chronicle.bytes}: a length or a
 *       UTF-8 sequence that the map's own writers cannot have stored) are a damaged store.</li>
 * </ul>
 */
public final class ChronicleErrors {
    static final String TIER_ALLOCATION = "allocateTier";
    static final String BYTES_PACKAGE = "net.openhft.chronicle.bytes.";
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
        IOException io = noSpace(e) ? cause(e, IOException.class) : null;
        if (io != null) {
            java.nio.file.Path dir = map.file() == null ? null : map.file().toPath().toAbsolutePath().getParent();
            long usable = usableBytes(dir);
            return new DiskFullException("Store '" + store + "': the map file cannot grow (" + io.getMessage() + "; "
                    + usable + " bytes usable in " + dir + "): the change was not made; free space on that file system"
                    + " and it works again", dir, usable, e);
        }
        if (e instanceof InterProcessDeadLockException || e.getClass().getName().startsWith(BYTES_PACKAGE)) {
            java.io.File file = map.file();
            return new CorruptStoreException("Store '" + store + "': " + (file == null ? "its map" : file.getAbsolutePath())
                    + " holds " + (e instanceof InterProcessDeadLockException ? "a segment lock no process of the store holds"
                    : "bytes its writers cannot have stored") + " (" + e.getMessage() + "): the file was changed under"
                    + " this process. Close every process using the store, then run 'statestore verify " + store + "'", e);
        }
        return e;
    }

    /**
     * Whether {@code e} is, or was caused by, Chronicle Map failing to reserve a file's space: its
     * {@code VanillaChronicleHash.fallocate} throws a plain {@link IOException} when the file system
     * has too little room for the tiers it is about to map (the contract DiskFullTest checks).
     */
    public static boolean noSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass() == IOException.class && thrownBy(t, Set.of("fallocate"))) {
                return true;
            }
        }
        return false;
    }

    /** What the file system of {@code dir} says is usable, -1 when it cannot tell. */
    public static long usableBytes(java.nio.file.Path dir) {
        try {
            return dir == null ? -1 : java.nio.file.Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
