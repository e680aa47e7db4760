package dev.statestore.internal.map;

import dev.statestore.Codec;
import dev.statestore.MapOptions;
import dev.statestore.internal.chronicle.ChronicleMapInternals;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.codec.StandInCodec;
import dev.statestore.internal.files.StoreMetadata;
import dev.statestore.internal.platform.ProcessIdentity;
import net.openhft.chronicle.hash.ChronicleHashBuilderPrivateAPI;

import java.time.Instant;

/**
 * The one place the options of a new store are checked together and resolved into what its
 * metadata records (as Aeron's {@code conclude()}): each option's own range is checked when it is
 * set ({@link MapOptions.Builder}, which the config loader goes through too); here, before any file
 * is made, the combinations, and a byte bound against Chronicle Map's sizing of the store.
 */
final class CreationOptions {
    private CreationOptions() {
    }

    /**
     * The metadata of a new store {@code name} created with {@code options} (unset ones already
     * taken from the config's defaults).
     *
     * @throws IllegalArgumentException naming the options that do not go together, and the fix
     */
    static StoreMetadata conclude(String name, Codec<?> keyCodec, Codec<?> valueCodec, MapOptions options) {
        checkCombinations(name, options);
        boolean stamped = options.resolvedExpiring() || options.resolvedMaxEntries() > 0 || options.resolvedMaxBytes() > 0;
        StoreMetadata meta = new StoreMetadata(StoreMetadata.FORMAT, name, keyCodec.id(),
                StandInCodec.recordedTypeName(keyCodec), valueCodec.id(), StandInCodec.recordedTypeName(valueCodec),
                options.resolvedEntries(),
                options.resolvedAverageKeySize(), options.resolvedAverageValueSize(),
                options.resolvedMaxGrowth(), options.resolvedJournal(), options.resolvedSync().name(),
                options.resolvedJournalRoll().name(),
                options.resolvedJournalRetention() == null ? 0 : options.resolvedJournalRetention().toSeconds(),
                options.resolvedJournalRetentionBytes(), Instant.now().toString(), ProcessIdentity.pid(),
                stamped ? StoreMetadata.STAMPED : StoreMetadata.PLAIN,
                options.resolvedTtl() == null ? 0 : options.resolvedTtl().toMillis(),
                options.resolvedExpireAfterAccess(), options.resolvedMaxEntries(), options.resolvedMaxBytes());
        checkByteBound(meta, Conversion.of(keyCodec), StoreOpener.valueConversion(meta, valueCodec));
        return meta;
    }

    private static void checkCombinations(String name, MapOptions options) {
        if (options.resolvedExpireAfterAccess() && options.resolvedTtl() == null) {
            throw new IllegalArgumentException("Store '" + name + "': expireAfterAccess needs a default ttl:"
                    + " set MapOptions.ttl(Duration) (config key ttl) too");
        }
        if (options.resolvedMaxEntries() > 0
                && options.resolvedMaxEntries() > options.resolvedEntries() * options.resolvedMaxGrowth()) {
            throw new IllegalArgumentException("Store '" + name + "': maxEntries " + options.resolvedMaxEntries()
                    + " is more than the store can hold (entries " + options.resolvedEntries() + " x maxGrowth "
                    + options.resolvedMaxGrowth() + "): raise entries or leave it unset (it defaults to maxEntries)");
        }
    }

    /**
     * Refuses, before any file is made, a {@code maxBytes} the store could never reach (it would
     * fill up and refuse puts first) or could not use (a segment's share is less than one
     * average entry), from Chronicle Map's own sizing of the map: its chunk size and its chunks
     * per average entry.
     */
    private static void checkByteBound(StoreMetadata meta, Conversion<?, ?> keys, Conversion<?, ?> values) {
        long maxBytes = meta.maxBytes();
        if (maxBytes == 0) {
            return;
        }
        ChronicleHashBuilderPrivateAPI<?, ?> sizing = ChronicleMapInternals.sizing(StoreOpener.builder(meta, keys, values, null));
        int segments = sizing.actualSegments();
        long perEntry = (long) Math.ceil((double) sizing.actualChunksPerSegmentTier() * sizing.chunkSize()
                / sizing.entriesPerSegment());
        boolean fixedValues = values.codec == BuiltinCodecs.INT64 || values.codec == BuiltinCodecs.INT32;
        String sized = " as Chronicle Map sizes an entry (" + (keys.constantSize() ? "fixed-size keys"
                : "averageKeySize " + meta.averageKeySize()) + ", " + (fixedValues ? "fixed-size values"
                : "averageValueSize " + meta.averageValueSize()) + ", a 16-byte expiry/access header, size fields"
                + " and checksum, in whole chunks of " + sizing.chunkSize() + " bytes)";
        double capacity = meta.entries() * meta.maxGrowth() * perEntry;
        if (maxBytes > capacity) {
            throw new IllegalArgumentException("Store '" + meta.name() + "': maxBytes " + maxBytes
                    + " is more than the store can hold: entries " + meta.entries() + " x maxGrowth " + meta.maxGrowth()
                    + " x about " + perEntry + " bytes per entry" + sized + " = " + (long) capacity + " bytes: raise"
                    + " entries or maxGrowth, or lower maxBytes (or leave entries unset: it defaults to maxBytes over"
                    + " averageKeySize + averageValueSize)");
        }
        if (maxBytes / segments < perEntry) {
            throw new IllegalArgumentException("Store '" + meta.name() + "': maxBytes " + maxBytes + " is too small:"
                    + " the store's " + segments + " segments (set by entries " + meta.entries() + ") get "
                    + maxBytes / segments + " bytes each, less than one entry of about " + perEntry + " bytes" + sized
                    + ": raise maxBytes to at least " + (long) segments * perEntry + ", or lower entries (fewer segments)");
        }
    }
}
