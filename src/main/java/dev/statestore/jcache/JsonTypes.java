package dev.statestore.jcache;

import dev.statestore.Codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records and POJOs stored as JSON in caches of {@code Object} (or any non-JDK) type: the class name
 * is recorded beside the JSON, and reading it back loads that class only when an allow-list admits
 * it, so a name written into a shared file by another process is never instantiated blindly.
 *
 * <p>Admitted: the cache's configured key and value types; every class this JVM has itself stored
 * through JSON (the application handed us an instance, so it is one of its classes); and classes
 * matching the patterns of {@value JCacheProperties#JSON_TYPES} ({@code jdk.serialFilter} pattern
 * syntax without '!': {@code com.example.Type}, {@code com.example.*}, {@code com.example.**},
 * {@code com.example.Prefix*}, separated by ';'). A JVM that reads entries of a type it has not
 * written yet (after a restart) needs the type in that property or in the cache's types.
 */
final class JsonTypes {
    /** Classes stored through JSON by this JVM, by name. */
    private static final Map<String, Class<?>> WRITTEN = new ConcurrentHashMap<>();

    private final List<String> patterns;
    private final Set<Class<?>> configured;
    private final ClassLoader classLoader;
    private final Map<Class<?>, Codec<Object>> codecs = new ConcurrentHashMap<>();

    JsonTypes(String patterns, Collection<Class<?>> configured, ClassLoader classLoader) {
        this.patterns = parse(patterns);
        this.configured = Set.copyOf(configured);
        this.classLoader = classLoader;
    }

    static List<String> parse(String patterns) {
        List<String> out = new ArrayList<>();
        if (patterns != null) {
            for (String p : patterns.split(";")) {
                String t = p.trim();
                if (!t.isEmpty()) {
                    if (t.startsWith("!") || t.contains("=")) {
                        throw new IllegalArgumentException(JCacheProperties.JSON_TYPES + ": '" + t + "' is not a class pattern:"
                                + " give class names, package.* or package.** patterns separated by ';'");
                    }
                    out.add(t);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code c} goes through JSON: a record or a class outside the JDK (not an array, not a collection). */
    boolean encodable(Class<?> c) {
        if (c.isArray() || Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            return false;
        }
        String n = c.getName();
        return c.isRecord() || !(n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun."));
    }

    byte[] encode(Object value) {
        Class<?> c = value.getClass();
        byte[] json = codec(c).encode(value);
        if (!WRITTEN.containsKey(c.getName())) {
            // the first of its class: stored only if it can be read back (a POJO without a constructor
            // Jackson can use would otherwise fail on every later get)
            try {
                codec(c).decode(json);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("statestore JCache stores a " + c.getName() + " as JSON, but cannot read"
                        + " it back (" + e.getMessage() + "): make it a record, or give it a no-argument constructor or a"
                        + " @JsonCreator, or opt in to Java serialization with " + JCacheProperties.SERIAL_FILTER, e);
            }
            WRITTEN.putIfAbsent(c.getName(), c);
        }
        return json;
    }

    /** Admits {@code c} from now on in this JVM: the application handed us one of its instances. */
    void remember(Class<?> c) {
        WRITTEN.putIfAbsent(c.getName(), c);
    }

    /** An enum class: the JDK's ({@code java.*}, whose constants are all reading one creates) or one the allow-list admits. */
    Class<?> allowedEnum(String name) {
        if (name.startsWith("java.")) {
            try {
                return Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("an entry holds a " + name + ", not in this JDK", e);
            }
        }
        return allowedClass(name);
    }

    /** Spring's {@code NullValue.INSTANCE}, by its fixed name (never a name read from a file). */
    Object springNullValue() {
        try {
            return Class.forName(ObjectCodec.SPRING_NULL_VALUE, true, classLoader).getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("an entry holds Spring's cached null (" + ObjectCodec.SPRING_NULL_VALUE
                    + "), and Spring is not on this JVM's class path", e);
        }
    }

    Object decode(String className, byte[] json) {
        return codec(allowedClass(className)).decode(json);
    }

    @SuppressWarnings("unchecked")
    private Codec<Object> codec(Class<?> c) {
        return codecs.computeIfAbsent(c, t -> (Codec<Object>) Codec.json(t));
    }

    /** The class {@code name} if the allow-list admits it, loaded without being initialised. */
    Class<?> allowedClass(String name) {
        Class<?> written = WRITTEN.get(name);
        if (written != null) {
            if (written.getClassLoader() == classLoader) {
                return written;
            }
            try { // a trusted name: this cache's class loader's class of it (another loader stored one)
                return Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException e) {
                return written;
            }
        }
        for (Class<?> c : configured) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        if (!matches(patterns, name)) {
            throw new IllegalArgumentException("an entry holds a " + name + " (stored as JSON), a type this JVM has not"
                    + " stored yet and that no allow-list admits: add it to the property " + JCacheProperties.JSON_TYPES
                    + " (e.g. -D" + JCacheProperties.JSON_TYPES + "=" + packagePattern(name) + "), or configure the cache's"
                    + " types with MutableConfiguration.setTypes");
        }
        try {
            return Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("an entry holds a " + name + " (stored as JSON), which is not on this JVM's"
                    + " class path", e);
        }
    }

    private static String packagePattern(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot) + ".*";
    }

    /** Whether {@code className} matches one of {@code patterns} (jdk.serialFilter class-pattern syntax). */
    static boolean matches(List<String> patterns, String className) {
        for (String p : patterns) {
            if (p.endsWith(".**")) {
                if (className.startsWith(p.substring(0, p.length() - 2))) {
                    return true;
                }
            } else if (p.endsWith(".*")) {
                String pkg = p.substring(0, p.length() - 1);
                if (className.startsWith(pkg) && className.indexOf('.', pkg.length()) < 0) {
                    return true;
                }
            } else if (p.endsWith("*")) {
                if (className.startsWith(p.substring(0, p.length() - 1))) {
                    return true;
                }
            } else if (p.equals(className)) {
                return true;
            }
        }
        return false;
    }
}
