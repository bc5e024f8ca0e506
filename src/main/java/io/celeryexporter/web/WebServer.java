package io.celeryexporter.web;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.tls.PemFiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side: {@code /metrics} (Prometheus text, OpenMetrics or protobuf, chosen by the Accept header),
 * {@code /} (a landing page), {@code /-/healthy} (the process is alive) and {@code /-/ready} (a poll succeeded and
 * the broker is reachable). HTTPS and basic auth when {@code --web.config.file} asks for them.
 *
 * <p>The handlers are written against the JDK's {@code com.sun.net.httpserver} API and run on Jetty through its
 * http-spi bridge. Jetty reads requests without blocking, so a client that never finishes its request (or its TLS
 * handshake) holds a connection, not one of the few worker threads: the JDK's own server pins a thread per unfinished
 * request, and five such clients stopped every scrape. Connections idle for the read timeout are closed, and oversized
 * requests are refused with 431.
 */
public final class WebServer implements AutoCloseable {

    private final Server jetty;
    private final JettyHttpServer server;

    /**
     * @param web TLS and basic auth from {@code --web.config.file}; both cover {@code /metrics} and {@code /}, while
     *            the probes {@code /-/healthy} and {@code /-/ready} stay open for the kubelet
     */
    public WebServer(ListenAddress address, PrometheusRegistry registry, ExporterState state, LandingPage landing,
                     WebConfig web) throws IOException {
        jetty = new Server(threads());
        ServerConnector connector = connector(jetty, address, web);
        jetty.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        jetty.setHandler(new HeaderCountLimit(contexts, web.limits().maxHeaders()));
        start(jetty);
        server = new JettyHttpServer(jetty, true);
        server.bind(new InetSocketAddress(address.toSocketAddress().getAddress(), connector.getLocalPort()), 0);
        Authenticator auth = web.basicAuthUsers().isEmpty() ? null : new BcryptAuthenticator(web.basicAuthUsers());
        protect(server.createContext(web.telemetryPath(), new MetricsEndpoint(registry)), auth);
        server.createContext("/-/healthy", exchange -> respond(exchange, 200, "text/plain", "Healthy.\n"));
        server.createContext("/-/ready", exchange -> {
            if (state.isReady()) {
                respond(exchange, 200, "text/plain", "Ready.\n");
            } else {
                respond(exchange, 503, "text/plain", "Not ready: " + state.notReadyReason() + "\n");
            }
        });
        protect(server.createContext("/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 404, "text/plain", "Not found. Try " + web.telemetryPath() + ".\n");
            } else {
                respond(exchange, 200, "text/html; charset=utf-8", landing.render());
            }
        }), auth);
    }

    /** A few workers suffice: requests are only handed to them once read whole. */
    private static QueuedThreadPool threads() {
        QueuedThreadPool pool = new QueuedThreadPool(8, 2);
        pool.setName("http");
        pool.setDaemon(true);
        return pool;
    }

    private static ServerConnector connector(Server jetty, ListenAddress address, WebConfig web) {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(web.limits().maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        ServerConnector connector = web.tls()
                ? new ServerConnector(jetty, 1, 1, new SslConnectionFactory(tls(web), http11.getProtocol()), http11)
                : new ServerConnector(jetty, 1, 1, http11);
        connector.setHost(address.host().isEmpty() ? null : address.host());
        connector.setPort(address.port());
        connector.setIdleTimeout(web.limits().readTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        return connector;
    }

    private static SslContextFactory.Server tls(WebConfig web) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(PemFiles.keyManagers(web.certFile(), web.keyFile()), null, null);
            SslContextFactory.Server factory = new SslContextFactory.Server();
            factory.setSslContext(context);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot serve TLS: " + e.getMessage());
        }
    }

    /** Starts Jetty; a taken port surfaces as the {@link BindException} the CLI reports in one line. */
    private static void start(Server jetty) throws IOException {
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException bind) {
                    throw bind;
                }
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot start the HTTP server: " + e.getMessage(), e);
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
        stopQuietly(jetty);
    }

    private static void stopQuietly(Server jetty) {
        jetty.setStopTimeout(1000);
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping is best effort: the process is going away, or a failed start is being reported
        }
    }
}
