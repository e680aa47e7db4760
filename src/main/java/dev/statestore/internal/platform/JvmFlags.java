package dev.statestore.internal.platform;

import dev.statestore.MissingJvmFlagsException;
import dev.statestore.internal.chronicle.ChronicleProperties;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Makes the JVM ready for Chronicle before any Chronicle class loads: sets Chronicle's properties
 * ({@link ChronicleProperties}: analytics and banner off, POSIX binding deferred) and checks the
 * {@code --add-exports}/{@code --add-opens} flags Chronicle needs, so a JVM started without them gets
 * one clear error naming the exact flags instead of an {@code InaccessibleObjectException}
 * from deep inside Chronicle.
 *
 * <p>The flags come from {@code jvm-flags.properties}, which the build writes from the pom: the one
 * place that lists them.
 */
public final class JvmFlags {
    private static final List<String> FLAGS = readFlags();
    private static volatile boolean checked;

    private JvmFlags() {
    }

    /** The flags every JVM that uses statestore needs. */
    public static List<String> required() {
        return FLAGS;
    }

    /**
     * Disables Chronicle analytics and (unless set otherwise) its announcer, defers its POSIX binding and
     * checks the JVM flags; cheap after the first call.
     *
     * @throws MissingJvmFlagsException naming the flags to add
     */
    public static void prepare() {
        ChronicleProperties.apply();
        if (checked) {
            return;
        }
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new MissingJvmFlagsException("This JVM lacks flags that Chronicle (the storage engine of statestore)"
                    + " needs on Java " + Runtime.version().feature() + ": " + String.join(" ", missing)
                    + ". Start java with all of: " + String.join(" ", FLAGS));
        }
        checked = true;
    }

    /** The required flags this JVM lacks. */
    public static List<String> missing() {
        Module self = JvmFlags.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String flag : FLAGS) {
            if (!present(flag, self)) {
                missing.add(flag);
            }
        }
        return missing;
    }

    private static boolean present(String flag, Module self) {
        // --add-exports=module/package=ALL-UNNAMED or --add-opens=module/package=ALL-UNNAMED
        boolean opens = flag.startsWith("--add-opens=");
        String spec = flag.substring(flag.indexOf('=') + 1);
        String modulePackage = spec.substring(0, spec.indexOf('='));
        String moduleName = modulePackage.substring(0, modulePackage.indexOf('/'));
        String packageName = modulePackage.substring(modulePackage.indexOf('/') + 1);
        Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
        if (module.isEmpty()) {
            return false;
        }
        return opens ? module.get().isOpen(packageName, self) : module.get().isExported(packageName, self);
    }

    private static List<String> readFlags() {
        try (InputStream in = JvmFlags.class.getResourceAsStream("/dev/statestore/jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.properties missing from the classpath: rebuild statestore");
            }
            Properties p = new Properties();
            p.load(in);
            return List.copyOf(Arrays.asList(p.getProperty("flags").trim().split("\\s+")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
