package io.celeryexporter.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A scrape target serving series of systems we cannot run here (kube-state-metrics, the dispatcher's pods), with
 * their real metric and label names, so that rules, panels and adapter queries that read them can be checked.
 */
public final class FakeTarget implements AutoCloseable {

    private final HttpServer server;

    private FakeTarget(Supplier<String> body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/metrics", exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** kube-state-metrics for HPA crucible/dispatcher: 19 current, 20 desired, 1 to 20 replicas. */
    public static FakeTarget kubeStateMetrics() throws IOException {
        return new FakeTarget(() -> """
                # TYPE kube_horizontalpodautoscaler_spec_max_replicas gauge
                kube_horizontalpodautoscaler_spec_max_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
                # TYPE kube_horizontalpodautoscaler_spec_min_replicas gauge
                kube_horizontalpodautoscaler_spec_min_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 1
                # TYPE kube_horizontalpodautoscaler_status_current_replicas gauge
                kube_horizontalpodautoscaler_status_current_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 19
                # TYPE kube_horizontalpodautoscaler_status_desired_replicas gauge
                kube_horizontalpodautoscaler_status_desired_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
                """);
    }

    /**
     * The dispatcher's pods, each counting {@code http_requests_total} at {@code perSecond}, with the namespace and
     * pod labels the Prometheus Operator adds.
     *
     * <p>The adapter's rule takes a 2-minute rate, which is only right once two minutes of samples exist. Rather than
     * wait, the samples carry timestamps that start {@link #HISTORY} in the past and advance 10 s per scrape until
     * they reach the present, then follow the clock: the series looks as if the pods had served at this rate all
     * along.
     */
    public static FakeTarget dispatcherPods(List<String> pods, double perSecond) throws IOException {
        long origin = System.currentTimeMillis() - HISTORY.toMillis();
        AtomicInteger scrapes = new AtomicInteger();
        return new FakeTarget(() -> {
            long at = Math.min(origin + 10_000L * scrapes.getAndIncrement(), System.currentTimeMillis());
            double count = (at - origin) / 1000.0 * perSecond;
            StringBuilder body = new StringBuilder("# TYPE http_requests_total counter\n");
            for (String pod : pods) {
                body.append("http_requests_total{namespace=\"crucible\",pod=\"").append(pod).append("\"} ")
                        .append(count).append(' ').append(at).append('\n');
            }
            return body.toString();
        });
    }

    /** How far back the dispatcher pods' samples start. */
    public static final Duration HISTORY = Duration.ofSeconds(150);

    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
