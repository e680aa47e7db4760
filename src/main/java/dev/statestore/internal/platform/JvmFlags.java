package dev.statestore.internal.platform;

import dev.statestore.MissingJvmFlagsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Makes the JVM ready for Chronicle before any Chronicle class loads: turns Chronicle's analytics
 * and its start-up banner off, defers its native POSIX binding to first use ({@link DeferredPosix})
 * and checks the {@code --add-exports}/{@code --add-opens} flags Chronicle needs, so a JVM started without them
 * gets one clear error naming the exact flags instead of an {@code InaccessibleObjectException}
 * from deep inside Chronicle.
 *
 * <p>The flags come from {@code jvm-flags.properties}, which the build writes from the pom: the one
 * place that lists them.
 */
public final class JvmFlags {
    /** Chronicle's switch for its usage analytics; statestore never lets it phone home. */
    public static final String ANALYTICS_PROPERTY = "chronicle.analytics.disable";
    /**
     * Chronicle's switch for its start-up banner (JVM, process id, versions and a "Leave your e-mail"
     * line, logged at INFO by chronicle-core's {@code InternalAnnouncer} when its class loads):
     * a library keeps it out of the application's log. {@code -Dchronicle.announcer.disable=false}
     * brings it back.
     */
    public static final String ANNOUNCER_PROPERTY = "chronicle.announcer.disable";

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
        System.setProperty(ANALYTICS_PROPERTY, "true");
        if (System.getProperty(ANNOUNCER_PROPERTY) == null) {
            System.setProperty(ANNOUNCER_PROPERTY, "true");
        }
        DeferredPosix.install();
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
