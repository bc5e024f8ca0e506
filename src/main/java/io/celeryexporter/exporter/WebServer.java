package io.celeryexporter.exporter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side: {@code /metrics} (Prometheus text, OpenMetrics or protobuf, chosen by the Accept header),
 * {@code /} (a landing page), {@code /-/healthy} (the process is alive) and {@code /-/ready} (a poll succeeded and
 * the broker is reachable).
 */
public final class WebServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    public WebServer(ListenAddress address, PrometheusRegistry registry, ExporterState state, LandingPage landing)
            throws IOException {
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        // Without TCP_NODELAY, the JDK server's separate header and body writes meet the client's delayed ACK and
        // every scrape waits ~40 ms. The property is read when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(address.toSocketAddress(), 64);
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/-/healthy", exchange -> respond(exchange, 200, "text/plain", "Healthy.\n"));
        server.createContext("/-/ready", exchange -> {
            if (state.isReady()) {
                respond(exchange, 200, "text/plain", "Ready.\n");
            } else {
                String reason = state.lastError().orElse("no successful poll of the broker yet");
                respond(exchange, 503, "text/plain", "Not ready: " + reason + "\n");
            }
        });
        server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 404, "text/plain", "Not found. Try /metrics.\n");
            } else {
                respond(exchange, 200, "text/html; charset=utf-8", landing.render());
            }
        });
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Stops accepting, gives requests in flight up to a second, then stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
