package dev.statestore.internal.chronicle;

import net.openhft.chronicle.hash.ChronicleHashBuilderPrivateAPI;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapSegmentContext;
import net.openhft.chronicle.map.impl.CompiledMapIterationContext;

/**
 * The reaches into Chronicle Map's non-public parts, in one place, each with a contract test
 * ({@code ChronicleMapInternalsTest}) that fails loudly when a Chronicle version changes what it
 * relies on. The rest of the engine uses Chronicle's public API only, or calls these.
 */
public final class ChronicleMapInternals {
    private ChronicleMapInternals() {
    }

    /**
     * Clears the lock word of {@code segment}'s header, whoever holds it. Only for a lock a dead
     * process held: statestore takes Chronicle's lock of a segment only while holding the
     * segment's stripe, so the one who took the stripe over from its dead owner knows nobody live
     * holds it.
     */
    public static void resetSegmentLock(ChronicleMap<?, ?> map, int segment) {
        try (MapSegmentContext<?, ?, ?> c = map.segmentContext(segment)) {
            CompiledMapIterationContext<?, ?, ?> context = (CompiledMapIterationContext<?, ?, ?>) c;
            context.segmentHeader().resetLock(context.segmentHeaderAddress());
        }
    }

    /**
     * Chronicle Map's sizing of the map {@code builder} would create, without creating it: the
     * builder resolves its sizes as it does before it makes a map (its private
     * {@code preMapConstruction}, which fills in the size of fixed-size keys), then answers through
     * its private API, which Chronicle's own map constructor reads from the same field. The
     * builder is spent: use a new one for the map.
     */
    public static ChronicleHashBuilderPrivateAPI<?, ?> sizing(ChronicleMapBuilder<?, ?> builder) {
        try {
            java.lang.reflect.Method resolve = ChronicleMapBuilder.class.getDeclaredMethod("preMapConstruction");
            resolve.setAccessible(true);
            resolve.invoke(builder);
            java.lang.reflect.Field field = ChronicleMapBuilder.class.getDeclaredField("privateAPI");
            field.setAccessible(true);
            return (ChronicleHashBuilderPrivateAPI<?, ?>) field.get(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Chronicle Map's sizing cannot be read (" + e + "): this statestore"
                    + " was built against another Chronicle Map version; use the version its pom names", e);
        }
    }
}
