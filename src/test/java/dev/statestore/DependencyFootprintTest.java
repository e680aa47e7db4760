package dev.statestore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * statestore stays a library: an application whose pom names only {@code dev.statestore:statestore}
 * gets the engine's dependencies, not what the command line, the agent and the YAML config file need
 * (logback, picocli, the Prometheus registry, YAML), and the README's example runs on exactly that
 * class path without a line of Chronicle's logging on its stdout.
 *
 * <p>How the consumer's dependencies are found: Maven itself (the one running this build, offline
 * when it can) resolves a generated consumer project, so optional dependencies, scopes, exclusions
 * and version mediation follow Maven's own rules rather than a re-implementation of them. The
 * consumer and a copy of this pom.xml form one throwaway reactor, and the consumer depends on the
 * copy's pom ({@code <type>pom</type>}, which Maven resolves from the reactor): nothing is installed,
 * and a {@code 0.1.0-SNAPSHOT} another build installed in the local repository is never read.
 */
class DependencyFootprintTest {
    /**
     * Libraries only the command line, the agent or the config file use: never an application's.
     * The Kafka clients (and what they bring: zstd, lz4, snappy) are the agent's, for replication.
     */
    private static final List<String> CLI_ONLY = List.of("ch.qos.logback:", "info.picocli:",
            "io.micrometer:micrometer-registry-prometheus", "io.prometheus:",
            "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml", "org.yaml:",
            "org.apache.kafka:", "com.github.luben:", "org.lz4:", "org.xerial.snappy:");
    /** What the library needs at run time. */
    private static final List<String> ENGINE = List.of("net.openhft:chronicle-map", "net.openhft:chronicle-queue",
            "io.micrometer:micrometer-core", "com.fasterxml.jackson.core:jackson-databind", "org.slf4j:slf4j-api");
    private static final String CONFIG_ERROR = "probe: config file: ";

    @TempDir
    static Path dir;

    private static Document pom;
    /** groupId:artifactId of every dependency a consumer gets at run time. */
    private static List<String> consumerDependencies;
    /** The consumer's run-time class path: jar files. */
    private static List<String> consumerJars;

    @BeforeAll
    static void resolveAConsumer() throws Exception {
        pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element project = pom.getDocumentElement();
        String version = text(child(project, "version"));
        String dependencyPlugin = pluginVersion(project, "maven-dependency-plugin");

        Path reactor = dir.resolve("reactor");
        Files.createDirectories(reactor.resolve("statestore"));
        Files.createDirectories(reactor.resolve("consumer"));
        Files.copy(Path.of("pom.xml"), reactor.resolve("statestore/pom.xml"));
        Files.writeString(reactor.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>test.consumer</groupId>
                  <artifactId>reactor</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules><module>statestore</module><module>consumer</module></modules>
                </project>
                """);
        Files.writeString(reactor.resolve("consumer/pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>test.consumer</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>dev.statestore</groupId>
                      <artifactId>statestore</artifactId>
                      <version>%s</version>
                      <type>pom</type>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(version));

        String plugin = "org.apache.maven.plugins:maven-dependency-plugin:" + dependencyPlugin;
        List<String> goals = List.of(plugin + ":list", plugin + ":build-classpath",
                "-DincludeScope=runtime", "-DoutputFile=deps.txt", "-Dmdep.outputFile=classpath.txt");
        if (maven(reactor, true, goals) != 0 && maven(reactor, false, goals) != 0) { // online: a version not yet local
            throw new AssertionError("Maven could not resolve the consumer project; its output:\n"
                    + Files.readString(reactor.resolve("maven.log")));
        }
        consumerDependencies = Files.readAllLines(reactor.resolve("consumer/deps.txt")).stream()
                .map(String::trim)
                .filter(l -> l.matches("[\\w.-]+:[\\w.-]+:.*:(compile|runtime)( .*)?"))
                .map(l -> l.split(":")[0] + ":" + l.split(":")[1])
                .sorted()
                .collect(Collectors.toList());
        consumerJars = Arrays.stream(Files.readString(reactor.resolve("consumer/classpath.txt")).trim()
                        .split(File.pathSeparator))
                .filter(p -> p.endsWith(".jar"))
                .collect(Collectors.toList());
    }

    @Test
    void consumerGetsTheEngineButNoCommandLineLibrary() {
        for (String engine : ENGINE) {
            assertTrue(consumerDependencies.contains(engine), engine + " missing from " + consumerDependencies);
        }
        List<String> leaked = consumerDependencies.stream()
                .filter(d -> CLI_ONLY.stream().anyMatch(d::startsWith))
                .collect(Collectors.toList());
        assertEquals(List.of(), leaked, "command-line-only libraries reach an application that depends on statestore:"
                + " mark them <optional>true</optional> in pom.xml");
    }

    @Test
    void noOptionalDependencyOfThePomReachesTheConsumer() {
        List<String> optional = new ArrayList<>();
        for (Element dependency : children(child(pom.getDocumentElement(), "dependencies"), "dependency")) {
            if ("true".equals(text(child(dependency, "optional")))) {
                optional.add(text(child(dependency, "groupId")) + ":" + text(child(dependency, "artifactId")));
            }
        }
        assertTrue(optional.contains("info.picocli:picocli"), "optional dependencies read from pom.xml: " + optional);
        // HdrHistogram is the one micrometer-core needs at run time itself: it is the consumer's through it
        optional.remove("org.hdrhistogram:HdrHistogram");
        List<String> leaked = new ArrayList<>(optional);
        leaked.retainAll(consumerDependencies);
        assertEquals(List.of(), leaked, "optional in pom.xml, yet on the consumer's class path");
    }

    /**
     * The README's example (StoreConfig built in code, map, put, get, subscribe, bindTo) on the
     * consumer's class path alone: nothing it needs is missing, nothing but its own lines reach stdout,
     * and a YAML config file fails with a ConfigException naming the dependency to add.
     */
    @Test
    void readmeExampleRunsOnTheConsumerClassPathAndPrintsOnlyItsOwnLines() throws Exception {
        List<String> stdout = probe("plain", List.of());
        String configError = stdout.stream().filter(l -> l.startsWith(CONFIG_ERROR)).findFirst().orElse("");
        assertTrue(configError.contains("ConfigException") && configError.contains(
                "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:"), configError);
        assertEquals(List.of("PUT user-42 = {...}", "probe: get after reopen = {...}", configError, "probe: done"),
                stdout);
    }

    /** With logback added by the application at its default configuration (DEBUG, to stdout): no banner. */
    @Test
    void chronicleAnnouncerStaysSilentUnderTheApplicationsLogging() throws Exception {
        List<String> stdout = probe("logback", List.of(jarOf(ch.qos.logback.classic.Logger.class),
                jarOf(ch.qos.logback.core.Appender.class)));
        assertTrue(stdout.contains("probe: done"), String.join("\n", stdout));
        List<String> banner = stdout.stream()
                .filter(l -> l.contains("InternalAnnouncer") || l.contains("Leave your e-mail"))
                .collect(Collectors.toList());
        assertEquals(List.of(), banner, "Chronicle's announcer reached the application's log");
    }

    /** Runs {@link Probe} on the consumer's class path plus {@code extraJars}; returns its stdout. */
    private static List<String> probe(String name, List<String> extraJars) throws Exception {
        // the probe's class file alone, as an application's: not target/test-classes and its logback-test.xml
        Path classes = dir.resolve(name + "-classes");
        String probeFile = Probe.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(classes.resolve(probeFile).getParent());
        Files.copy(Path.of(jarOf(Probe.class)).resolve(probeFile), classes.resolve(probeFile));

        List<String> classPath = new ArrayList<>(List.of(classes.toString(), jarOf(StateStore.class)));
        classPath.addAll(consumerJars);
        classPath.addAll(extraJars);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("statestore.test.jvm.flags").trim().split("\\s+")));
        cmd.addAll(List.of("-Xmx256m", "-cp", String.join(File.pathSeparator, classPath), Probe.class.getName(),
                dir.resolve(name + "-data").toString()));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish; stdout:\n" + Files.readString(out));
        }
        List<String> stdout = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "stdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + Files.readString(err));
        assertFalse(stdout.isEmpty());
        return stdout;
    }

    /** Runs Maven on the reactor (goals, quiet, batch); its output goes to maven.log. */
    private static int maven(Path reactor, boolean offline, List<String> goals) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(mvn(), "-B", "-q"));
        if (offline) {
            cmd.add("-o");
        }
        String localRepository = System.getProperty("statestore.test.local.repository");
        if (localRepository != null && !localRepository.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + localRepository);
        }
        cmd.addAll(goals);
        Process p = new ProcessBuilder(cmd).directory(reactor.toFile()).redirectErrorStream(true)
                .redirectOutput(reactor.resolve("maven.log").toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Maven did not finish within 180 s:\n" + Files.readString(reactor.resolve("maven.log")));
        }
        return p.exitValue();
    }

    private static String mvn() {
        String home = System.getProperty("statestore.test.maven.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("statestore.test.maven.home is not set: run the tests through Maven");
        }
        return Path.of(home, "bin", "mvn").toString();
    }

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String pluginVersion(Element project, String artifactId) {
        Element plugins = child(child(child(project, "build"), "pluginManagement"), "plugins");
        for (Element plugin : children(plugins, "plugin")) {
            if (artifactId.equals(text(child(plugin, "artifactId")))) {
                return text(child(plugin, "version"));
            }
        }
        throw new AssertionError(artifactId + " has no pinned version in pom.xml's pluginManagement");
    }

    private static Element child(Element parent, String name) {
        List<Element> found = parent == null ? List.of() : children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element e) {
        return e == null ? null : e.getTextContent().trim();
    }

    /** The child JVM: the README's example; one argument, a data directory. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Path data = Path.of(args[0]);
            StoreConfig config = StoreConfig.builder(data).build();
            try (StateStore store = StateStore.open(config)) {
                StoreMap<String, String> sessions = store.map("sessions", String.class, String.class);
                sessions.put("user-42", "{...}");
                CountDownLatch seen = new CountDownLatch(1);
                try (Subscription sub = sessions.subscribe(Position.named("audit"), event -> {
                    System.out.println(event.type() + " " + event.key() + " = " + event.value());
                    seen.countDown();
                })) {
                    if (!seen.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("no journal event within 30 s");
                    }
                }
                store.bindTo(new SimpleMeterRegistry());
            }
            try (StateStore store = StateStore.open(config)) {
                System.out.println("probe: get after reopen = " + store.map("sessions", String.class, String.class).get("user-42"));
            }
            Path yaml = Files.writeString(data.resolve("statestore.yaml"), "dataDir: " + data + "\n");
            try {
                StoreConfig.load(yaml);
                System.out.println(CONFIG_ERROR + "none, read");
            } catch (ConfigException e) {
                System.out.println(CONFIG_ERROR + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            System.out.println("probe: done");
        }
    }
}
