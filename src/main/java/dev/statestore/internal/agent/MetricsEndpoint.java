package dev.statestore.internal.agent;

import dev.statestore.StateStoreException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent's HTTP endpoint, on the JDK's own server: {@code GET /metrics} (Prometheus text
 * format) and {@code GET /health} (JSON). Nothing else: no other path, no other method, no way to
 * change anything. Two daemon threads serve requests.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** A response body and its status. */
    record Response(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI base;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(HttpServer server, ExecutorService executor, URI base) {
        this.server = server;
        this.executor = executor;
        this.base = base;
    }

    static MetricsEndpoint start(InetSocketAddress address, Supplier<String> metrics, Supplier<Response> health) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new StateStoreException("The agent cannot listen on " + hostPort(address) + " (" + e.getMessage()
                    + "): another process uses the port (is an agent already running? `ss -ltnp | grep "
                    + address.getPort() + "`), or set metrics.port in the config", e);
        } catch (IOException e) {
            throw new StateStoreException("The agent cannot listen on " + hostPort(address) + " (" + e + ")", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "statestore-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> respond(exchange, new Response(404, "text/plain; charset=utf-8",
                "not found: this agent serves /metrics and /health\n")));
        server.createContext("/metrics", exchange -> respond(exchange, () -> new Response(200, PROMETHEUS_TEXT, metrics.get())));
        server.createContext("/health", exchange -> respond(exchange, health));
        server.start();
        URI base = URI.create("http://" + hostPort(server.getAddress()));
        return new MetricsEndpoint(server, executor, base);
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        if (address.getAddress() instanceof Inet6Address) {
            host = "[" + host.replaceFirst("%.*$", "") + "]";
        }
        return host + ":" + address.getPort();
    }

    /** {@code http://HOST:PORT}. */
    URI base() {
        return base;
    }

    private static void respond(HttpExchange exchange, Supplier<Response> response) throws IOException {
        if (!exactPath(exchange)) {
            respond(exchange, new Response(404, "text/plain; charset=utf-8", "not found: this agent serves /metrics and /health\n"));
            return;
        }
        Response r;
        try {
            r = response.get();
        } catch (RuntimeException e) {
            LOG.warn("{} failed", exchange.getRequestURI().getPath(), e);
            r = new Response(500, "text/plain; charset=utf-8", "error: " + e + "\n");
        }
        respond(exchange, r);
    }

    private static boolean exactPath(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        return path.equals(exchange.getHttpContext().getPath());
    }

    private static void respond(HttpExchange exchange, Response r) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(r.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** Stops listening (a request in progress is cut short). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
