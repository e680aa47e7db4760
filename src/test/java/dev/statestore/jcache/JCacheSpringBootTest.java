package dev.statestore.jcache;

import dev.statestore.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Spring Boot's JCache auto-configuration over statestore, as an application configures it
 * ({@code spring.cache.type=jcache}, {@code spring.cache.jcache.provider}, {@code
 * spring.cache.cache-names}), in child JVMs: an {@code @Cacheable} method's results survive a JVM
 * restart (the restarted JVM never runs the method for arguments cached before) and are shared with
 * a second live JVM.
 */
class JCacheSpringBootTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void cacheableResultsSurviveARestartAndAreSharedWithALiveJvm() {
        Path data = dir.resolve("data");
        try (ChildJvm first = app(data)) {
            assertEquals("computed bob", first.readLineAfter("greet bob", WAIT));
            assertEquals("Hello, bob", first.readLine(WAIT));
            first.writeLine("greet bob");
            assertEquals("Hello, bob", first.readLine(WAIT)); // cached: the method body did not run
            assertEquals("computed nobody", first.readLineAfter("greet nobody", WAIT));
            assertEquals("no greeting", first.readLine(WAIT));
            assertEquals("no greeting", first.readLineAfter("greet nobody", WAIT)); // a cached null (Spring's NullValue)

            try (ChildJvm second = app(data)) { // a second live JVM on the same cache
                second.writeLine("greet bob");
                assertEquals("Hello, bob", second.readLine(WAIT));
                assertEquals("computed alice", second.readLineAfter("greet alice", WAIT));
                assertEquals("Hello, alice", second.readLine(WAIT));
                first.writeLine("greet alice");
                assertEquals("Hello, alice", first.readLine(WAIT));
                second.writeLine("stop");
                assertEquals(0, second.waitFor(WAIT), second::stderr);
            }
            first.writeLine("stop");
            assertEquals(0, first.waitFor(WAIT), first::stderr);
        }
        try (ChildJvm restarted = app(data)) {
            restarted.writeLine("greet bob");
            assertEquals("Hello, bob", restarted.readLine(WAIT), restarted::stderr);
            restarted.writeLine("greet alice");
            assertEquals("Hello, alice", restarted.readLine(WAIT));
            assertEquals("no greeting", restarted.readLineAfter("greet nobody", WAIT));
            assertEquals("computed carol", restarted.readLineAfter("greet carol", WAIT));
            assertEquals("Hello, carol", restarted.readLine(WAIT));
            restarted.writeLine("stop");
            assertEquals(0, restarted.waitFor(WAIT), restarted::stderr);
        }
    }

    private static ChildJvm app(Path data) {
        ChildJvm c = ChildJvm.start(GreeterApp.class.getName(), List.of(data.toString()));
        assertEquals("ready", c.readLine(WAIT), c::stderr);
        return c;
    }

    /** A greeting: a record, cached as JSON. */
    public record Greeting(String text) {
    }

    /** The bean whose results are cached: prints "computed NAME" each time its body runs. */
    public static class Greeter {
        @Cacheable("greetings")
        public Greeting greet(String name) {
            System.out.println("computed " + name);
            return name.equals("nobody") ? null : new Greeting("Hello, " + name);
        }
    }

    /** The child's Spring Boot application: auto-configuration does the caching. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableCaching
    public static class GreeterApp {
        @Bean
        Greeter greeter() {
            return new Greeter();
        }

        /** The child JVM: the data directory as its one argument; "greet NAME" and "stop" on stdin. */
        public static void main(String[] args) throws Exception {
            System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
            System.setProperty("statestore.dataDir", args[0]);
            // the restarted JVM reads Greeting entries it has not written yet: the JSON allow-list admits them
            System.setProperty("statestore.jcache.jsonTypes", Greeting.class.getName());
            SpringApplication app = new SpringApplication(GreeterApp.class);
            app.setDefaultProperties(Map.of(
                    "spring.cache.type", "jcache",
                    "spring.cache.jcache.provider", StateStoreCachingProvider.class.getName(),
                    "spring.cache.cache-names", "greetings",
                    "spring.main.banner-mode", "off",
                    "spring.main.log-startup-info", "false"));
            try (ConfigurableApplicationContext context = app.run()) {
                Greeter greeter = context.getBean(Greeter.class);
                System.out.println("ready");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null && !line.equals("stop"); ) {
                    Greeting g = greeter.greet(line.substring("greet ".length()));
                    System.out.println(g == null ? "no greeting" : g.text());
                }
            }
        }
    }
}
