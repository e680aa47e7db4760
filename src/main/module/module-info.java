/**
 * statestore: a restart-surviving, shared-memory key-value store. The API is {@code dev.statestore}
 * and nothing else is exported: the engine lives in {@code dev.statestore.internal.*}.
 *
 * <p>How this descriptor is built and used (pom.xml, maven-compiler-plugin): the sources in
 * src/main/java compile on the class path as always, then this file alone is compiled against them
 * (execution {@code module-info}), so javac checks every name here, and the jar carries it. It
 * lives outside src/main/java because javac would compile that whole tree as this module, which
 * cannot be: the build puts chronicle-values' generated
 * {@code net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native} into our classes
 * (src/build/GenerateChronicleValues.java: no run-time javac), a package of the
 * {@code chronicle.map} automatic module. For the same reason the jar works on the class path (where
 * this descriptor is ignored) and not on the module path; Chronicle itself is not modular either
 * (automatic modules, deep reflection into the JDK). ApiBoundaryTest checks the exports and that
 * the API names no internal type.
 */
module dev.statestore {
    exports dev.statestore;
    exports dev.statestore.jcache;

    requires transitive micrometer.core; // StateStore extends MeterBinder

    requires chronicle.map;
    requires chronicle.queue;
    requires chronicle.core;
    requires chronicle.bytes;
    requires chronicle.wire;
    requires chronicle.threads;
    requires chronicle.values;
    requires chronicle.algorithms;
    requires posix;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.management;
    requires jdk.unsupported;

    // the JCache provider: an application that uses JCache brings cache-api itself
    requires static cache.api;

    // what only the command line, the agent and the tools use
    requires static com.fasterxml.jackson.dataformat.yaml;
    requires static info.picocli;
    requires static ch.qos.logback.classic;
    requires static ch.qos.logback.core;
    requires static micrometer.registry.prometheus;
    requires static HdrHistogram;
    requires static jdk.httpserver;

    provides javax.cache.spi.CachingProvider with dev.statestore.jcache.StateStoreCachingProvider;
    provides ch.qos.logback.classic.spi.Configurator with dev.statestore.internal.cli.CliLogging;

    opens dev.statestore.internal.cli to info.picocli;
    opens dev.statestore.internal.tools to info.picocli;
    opens dev.statestore.internal.files to com.fasterxml.jackson.databind;
    opens dev.statestore.internal.backup to com.fasterxml.jackson.databind;
}
