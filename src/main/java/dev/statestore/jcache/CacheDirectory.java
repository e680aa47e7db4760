package dev.statestore.jcache;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.statestore.StoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which stores of a data directory are caches, and under which JCache name. A cache is a store; a
 * JCache name may be any string, a store name may not ({@link StoreConfig#STORE_NAME}), so a name
 * that is not a valid store name is stored as {@code jc-<name made valid>-<hash of the name>}. The
 * store's directory holds {@value #MARKER}: the JCache name and the configured types, which
 * {@code getCacheNames} lists and a reattach checks.
 */
final class CacheDirectory {
    static final String MARKER = "jcache.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CacheDirectory() {
    }

    /** What {@value #MARKER} records. */
    record Marker(String name, String keyType, String valueType) {
    }

    static String storeName(String cacheName) {
        if (StoreConfig.STORE_NAME.matcher(cacheName).matches() && !cacheName.startsWith("jc-")) {
            return cacheName;
        }
        String valid = cacheName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        if (valid.length() > 40) {
            valid = valid.substring(valid.length() - 40);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cacheName.getBytes(StandardCharsets.UTF_8));
            return "jc-" + valid + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Marker read(Path dataDir, String storeName) {
        Path file = dataDir.resolve(storeName).resolve(MARKER);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Map<?, ?> m = JSON.readValue(file.toFile(), Map.class);
            return new Marker((String) m.get("name"), (String) m.get("keyType"), (String) m.get("valueType"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path dataDir, String storeName, Marker marker) {
        Path dir = dataDir.resolve(storeName);
        Path tmp = dir.resolve(MARKER + ".tmp");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1);
        m.put("name", marker.name());
        m.put("keyType", marker.keyType());
        m.put("valueType", marker.valueType());
        try {
            JSON.writeValue(tmp.toFile(), m);
            try {
                Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(MARKER) + ": " + e.getMessage(), e);
        }
    }

    /** The JCache names of the caches in {@code dataDir}. */
    static List<String> cacheNames(Path dataDir) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            return names;
        }
        try (Stream<Path> dirs = Files.list(dataDir)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (Files.isRegularFile(d.resolve(MARKER))) {
                    Marker m = read(dataDir, d.getFileName().toString());
                    if (m != null && m.name() != null) {
                        names.add(m.name());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataDir + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Deletes the store's directory: the marker first, so a half-deleted store is no longer listed as a cache. */
    static void delete(Path dataDir, String storeName) {
        Path dir = dataDir.resolve(storeName);
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(MARKER));
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
