package dev.statestore.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * Java serialization for a cache that opted in: the one place statestore uses it (checkstyle
 * allows it in this file alone). Stored bytes are read back from a file another process may have
 * written, so every read runs under a deny-by-default {@link ObjectInputFilter}: the allow-list given
 * in {@value JCacheProperties#SERIAL_FILTER} ({@code jdk.serialFilter} syntax) with a final
 * {@code !*} added, so a class not named is rejected before it is loaded.
 */
final class JavaSerialization {
    private final ObjectInputFilter filter;
    private final String pattern;
    private final ClassLoader classLoader;

    private JavaSerialization(String pattern, ClassLoader classLoader) {
        this.pattern = pattern;
        this.filter = ObjectInputFilter.Config.createFilter(pattern + ";!*");
        this.classLoader = classLoader;
    }

    /** The serialization of allow-list {@code pattern}, or null (serialization off) when it is null or blank. */
    static JavaSerialization of(String pattern, ClassLoader classLoader) {
        if (pattern == null || pattern.isBlank()) {
            return null;
        }
        try {
            return new JavaSerialization(pattern.trim(), classLoader);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(JCacheProperties.SERIAL_FILTER + " '" + pattern + "' is not an ObjectInputFilter"
                    + " pattern: " + e.getMessage() + " (give class or package patterns such as 'com.example.**;java.util.*')", e);
        }
    }

    boolean handles(Object value) {
        return value instanceof Serializable && !value.getClass().isRecord();
    }

    byte[] serialize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize a " + value.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (java.io.InvalidClassException e) {
            throw new IllegalArgumentException("an entry holds a class that the allow-list " + JCacheProperties.SERIAL_FILTER
                    + "='" + pattern + "' does not admit (" + e.getMessage() + "): add its class or package to it", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot deserialize an entry: " + e, e);
        }
    }

    /** Resolves classes with the cache's class loader. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
