package io.celeryexporter.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves fixed kube-state-metrics series for the dispatcher's HPA, with the real metric and label names, so that
 * rules and panels that join on them can be checked without a cluster.
 */
public final class FakeKubeStateMetrics implements AutoCloseable {

    private static final String BODY = """
            # TYPE kube_horizontalpodautoscaler_spec_max_replicas gauge
            kube_horizontalpodautoscaler_spec_max_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
            # TYPE kube_horizontalpodautoscaler_spec_min_replicas gauge
            kube_horizontalpodautoscaler_spec_min_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 1
            # TYPE kube_horizontalpodautoscaler_status_current_replicas gauge
            kube_horizontalpodautoscaler_status_current_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 19
            # TYPE kube_horizontalpodautoscaler_status_desired_replicas gauge
            kube_horizontalpodautoscaler_status_desired_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
            """;

    private final HttpServer server;

    public FakeKubeStateMetrics() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/metrics", exchange -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
