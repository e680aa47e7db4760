package dev.statestore;

import dev.statestore.internal.Factory;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API boundary: {@code dev.statestore} is what users compile against (and all that
 * module-info.java exports); the engine, {@code dev.statestore.internal..}, may change at will.
 * The API reaches the engine through {@link Factory} only, and no public or protected signature of
 * an API type names an internal type.
 */
@AnalyzeClasses(packages = "dev.statestore", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiBoundaryTest {
    private static final String API = "dev.statestore";
    private static final String INTERNAL = "dev.statestore.internal..";

    @ArchTest
    final ArchRule apiReachesTheEngineOnlyThroughTheFactory = noClasses()
            .that().resideInAPackage(API)
            .should().dependOnClassesThat(resideInAPackage(INTERNAL).and(DescribedPredicate.not(type(Factory.class))))
            .because("the API calls the engine only through dev.statestore.internal.Factory");

    /** The JCache provider is built on the public API alone, as any application could build it. */
    @ArchTest
    final ArchRule theJCacheProviderUsesOnlyThePublicApi = noClasses()
            .that().resideInAPackage("dev.statestore.jcache..")
            .should().dependOnClassesThat(resideInAPackage(INTERNAL))
            .because("dev.statestore.jcache is a client of the API: a cache is a store");

    @ArchTest
    final ArchRule apiSignaturesNameNoInternalType = classes()
            .that().resideInAPackage(API).and().arePublic()
            .should(nameNoInternalTypeInTheirPublicSignatures());

    /** The descriptor the build compiles from src/main/module into the classes (and the jar) exports the API and JCache alone. */
    @Test
    void theModuleExportsOnlyTheApi() throws IOException, URISyntaxException {
        Path classes = Path.of(StateStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path descriptor = classes.resolve("module-info.class");
        assertTrue(Files.isRegularFile(descriptor), "the build compiles module-info.class into " + classes);
        try (InputStream in = Files.newInputStream(descriptor)) {
            ModuleDescriptor module = ModuleDescriptor.read(in);
            assertEquals("dev.statestore", module.name());
            assertEquals(Set.of("dev.statestore", "dev.statestore.jcache"),
                    module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        }
    }

    private static ArchCondition<JavaClass> nameNoInternalTypeInTheirPublicSignatures() {
        return new ArchCondition<>("name no internal type in their public or protected signatures") {
            @Override
            public void check(JavaClass api, ConditionEvents events) {
                List<String> found = new ArrayList<>();
                api.getSuperclass().ifPresent(t -> collect(t, "supertype", found));
                for (JavaType t : api.getInterfaces()) {
                    collect(t, "supertype", found);
                }
                for (JavaField f : api.getFields()) {
                    if (visible(f)) {
                        collect(f.getType(), "field " + f.getName(), found);
                    }
                }
                for (JavaCodeUnit c : api.getCodeUnits()) {
                    if (!visible(c)) {
                        continue;
                    }
                    String where = c.getName().equals("<init>") ? "constructor" : "method " + c.getName();
                    collect(c.getReturnType(), where + " (return type)", found);
                    for (JavaType p : c.getParameterTypes()) {
                        collect(p, where + " (parameter)", found);
                    }
                    for (JavaClass thrown : c.getThrowsClause().getTypes()) {
                        collect(thrown, where + " (throws)", found);
                    }
                    for (JavaType typeParameter : c.getTypeParameters()) {
                        collect(typeParameter, where + " (type parameter)", found);
                    }
                }
                for (String f : found) {
                    events.add(SimpleConditionEvent.violated(api, api.getName() + ": " + f));
                }
            }
        };
    }

    private static boolean visible(JavaMember member) {
        Set<JavaModifier> m = member.getModifiers();
        return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
    }

    private static void collect(JavaType type, String where, List<String> found) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (raw.getPackageName().startsWith("dev.statestore.internal")) {
                found.add(where + " names " + raw.getName());
            }
        }
    }
}
