package dev.statestore.internal;

import dev.statestore.Codec;
import dev.statestore.StateStore;
import dev.statestore.StoreConfig;
import dev.statestore.internal.codec.BuiltinCodecs;
import dev.statestore.internal.codec.JsonCodec;
import dev.statestore.internal.config.ConfigLoader;
import dev.statestore.internal.map.DefaultStateStore;
import dev.statestore.internal.platform.JvmFlags;

import java.nio.file.Path;

/**
 * The one door from the API ({@code dev.statestore}) into the engine: the static methods of
 * {@link StateStore}, {@link Codec} and {@link StoreConfig} call these, and nothing else of the API
 * names an internal type (an architecture test holds this). Not for users: the package is not
 * exported.
 */
public final class Factory {
    private Factory() {
    }

    /** See {@link StateStore#open(StoreConfig)}: checks the JVM flags Chronicle needs, then opens. */
    public static StateStore open(StoreConfig config) {
        JvmFlags.prepare();
        return DefaultStateStore.open(config);
    }

    /** See {@link StoreConfig#load(Path, Path)}. */
    public static StoreConfig loadConfig(Path file, Path dataDirOverride) {
        return ConfigLoader.load(file, dataDirOverride);
    }

    /** See {@link Codec#string()}. */
    public static Codec<String> stringCodec() {
        return BuiltinCodecs.STRING;
    }

    /** See {@link Codec#bytes()}. */
    public static Codec<byte[]> bytesCodec() {
        return BuiltinCodecs.BYTES;
    }

    /** See {@link Codec#int64()}. */
    public static Codec<Long> int64Codec() {
        return BuiltinCodecs.INT64;
    }

    /** See {@link Codec#int32()}. */
    public static Codec<Integer> int32Codec() {
        return BuiltinCodecs.INT32;
    }

    /** See {@link Codec#json(Class)}. */
    public static <T> Codec<T> jsonCodec(Class<T> type) {
        return JsonCodec.of(type);
    }

    /** See {@link Codec#forType(Class)}. */
    public static <T> Codec<T> codecFor(Class<T> type) {
        return BuiltinCodecs.forType(type);
    }
}
