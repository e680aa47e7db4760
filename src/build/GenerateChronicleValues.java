import net.openhft.chronicle.values.ValueModel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step (run by exec-maven-plugin in generate-sources, as a single-file source program on the
 * compile class path): writes the Java source of the chronicle-values native implementation
 * ({@code Foo$$Native}) of each value interface named on the command line, produced by
 * chronicle-values' own generator, so the class is compiled into statestore.jar.
 *
 * <p>Why: at run time chronicle-values' {@code ValueModel.createClass} first tries
 * {@code loadClass(package + "." + simpleName + "$$Native")} and only when that fails generates the
 * same source and compiles it with javac inside the JVM (~1 s and ~1000 javac classes per JVM
 * start; Chronicle Map does it for {@code VanillaGlobalMutableState} on every map open). With the
 * class on the class path, no javac runs.
 *
 * <p>Usage: {@code java -cp <chronicle-values + deps> GenerateChronicleValues OUT_DIR INTERFACE...}
 *
 * <p>{@code Generators.generateNativeClass} and {@code ValueModel.simpleName} are package-private in
 * chronicle-values, hence the reflection; a chronicle-values upgrade that moves them fails the build
 * here, loudly, instead of silently bringing back run-time javac.
 */
public final class GenerateChronicleValues {
    private GenerateChronicleValues() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GenerateChronicleValues OUT_DIR VALUE_INTERFACE...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Method simpleName = ValueModel.class.getDeclaredMethod("simpleName");
        simpleName.setAccessible(true);
        Class<?> generators = Class.forName("net.openhft.chronicle.values.Generators");
        Method generateNativeClass = generators.getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generateNativeClass.setAccessible(true);

        for (int i = 1; i < args.length; i++) {
            Class<?> valueInterface = Class.forName(args[i]);
            ValueModel model = ValueModel.acquire(valueInterface);
            // the name ValueModel.createClass loads before it falls back to javac
            String className = simpleName.invoke(model) + ValueModel.$$NATIVE;
            String source;
            try {
                source = (String) generateNativeClass.invoke(null, model, className);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("chronicle-values failed to generate " + className, e.getCause());
            }
            // the generated code uses raw Bytes types: keep -Xlint quiet on code we do not own
            String declaration = "\npublic class " + className + " ";
            if (!source.contains(declaration)) {
                throw new IllegalStateException("unexpected chronicle-values output for " + className + ":\n" + source);
            }
            source = source.replace(declaration, "\n@SuppressWarnings({\"rawtypes\", \"unchecked\"})" + declaration);
            String packageName = valueInterface.getPackageName();
            Path file = out.resolve(packageName.replace('.', '/')).resolve(className + ".java");
            Files.createDirectories(file.getParent());
            byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
            // leave an unchanged file alone so the compiler plugin's stale-source check stays quiet
            if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                Files.write(file, bytes);
            }
        }
    }
}
