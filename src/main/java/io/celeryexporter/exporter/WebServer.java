package io.celeryexporter.exporter;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.celeryexporter.tls.PemFiles;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The HTTP side: {@code /metrics} (Prometheus text, OpenMetrics or protobuf, chosen by the Accept header),
 * {@code /} (a landing page), {@code /-/healthy} (the process is alive) and {@code /-/ready} (a poll succeeded and
 * the broker is reachable). HTTPS and basic auth when {@code --web.config.file} asks for them.
 */
public final class WebServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param web TLS and basic auth from {@code --web.config.file}; both cover {@code /metrics} and {@code /}, while
     *            the probes {@code /-/healthy} and {@code /-/ready} stay open for the kubelet
     */
    public WebServer(ListenAddress address, PrometheusRegistry registry, ExporterState state, LandingPage landing,
                     WebConfig web) throws IOException {
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        // Without TCP_NODELAY, the JDK server's separate header and body writes meet the client's delayed ACK and
        // every scrape waits ~40 ms. The property is read when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = web.tls() ? https(address, web) : HttpServer.create(address.toSocketAddress(), 64);
        server.setExecutor(executor);
        Authenticator auth = web.basicAuthUsers().isEmpty() ? null : new BcryptAuthenticator(web.basicAuthUsers());
        protect(server.createContext("/metrics", new MetricsHandler(registry)), auth);
        server.createContext("/-/healthy", exchange -> respond(exchange, 200, "text/plain", "Healthy.\n"));
        server.createContext("/-/ready", exchange -> {
            if (state.isReady()) {
                respond(exchange, 200, "text/plain", "Ready.\n");
            } else {
                String reason = state.lastError().orElse("no successful poll of the broker yet");
                respond(exchange, 503, "text/plain", "Not ready: " + reason + "\n");
            }
        });
        protect(server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 404, "text/plain", "Not found. Try /metrics.\n");
            } else {
                respond(exchange, 200, "text/html; charset=utf-8", landing.render());
            }
        }), auth);
        server.start();
    }

    private static HttpsServer https(ListenAddress address, WebConfig web) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(PemFiles.keyManagers(web.certFile(), web.keyFile()), null, null);
            HttpsServer https = HttpsServer.create(address.toSocketAddress(), 64);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            return https;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot serve TLS: " + e.getMessage());
        }
    }

    private static void protect(HttpContext context, Authenticator auth) {
        if (auth != null) {
            context.setAuthenticator(auth);
        }
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
