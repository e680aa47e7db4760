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

    /**
     * What Java 23 and later need besides: they warn when {@code sun.misc.Unsafe}'s memory access is
     * used (Chronicle and jffi use it) unless it is allowed, and Java 17 and 21 refuse the option.
     * The pom's profile {@code jdk23-plus} and {@code ops/statestore} apply the same rule.
     */
    static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";

    /** The flags a JVM of this version that uses statestore needs: the pom's list, and by version more. */
    public static List<String> required() {
        return forVersion(Runtime.version().feature());
    }

    /** The flags a JVM of feature version {@code feature} (17, 21, 25...) needs. */
    static List<String> forVersion(int feature) {
        if (feature < 23) {
            return FLAGS;
        }
        List<String> flags = new ArrayList<>(FLAGS);
        flags.add(UNSAFE_MEMORY_ACCESS);
        return List.copyOf(flags);
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
                    + ". Start java with all of: " + String.join(" ", required()));
        }
        checked = true;
    }

    /** The required flags this JVM lacks. */
    public static List<String> missing() {
        Module self = JvmFlags.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String flag : FLAGS) {
            if (isModuleAccess(flag) && !present(flag, self)) {
                missing.add(flag);
            }
        }
        return missing;
    }

    /**
     * Whether {@code flag} opens or exports a package: without those Chronicle fails; the others
     * ({@code --enable-native-access}, the unsafe memory access) only keep newer JVMs from printing
     * warnings, and a JVM cannot tell whether it was given them on every version we run on.
     */
    private static boolean isModuleAccess(String flag) {
        return flag.startsWith("--add-opens=") || flag.startsWith("--add-exports=");
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
