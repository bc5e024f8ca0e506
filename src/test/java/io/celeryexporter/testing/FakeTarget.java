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

    /**
     * kube-state-metrics, cAdvisor and KEDA's operator for the dispatcher: HPA crucible/dispatcher at 19 current, 20
     * desired, 1 to 20 replicas; no KEDA scaler errors; Deployment dispatcher with 2 pods (through ReplicaSet
     * dispatcher-7d9f) each requesting half a core and using a quarter; and a pod of another Deployment that the rules
     * must leave out.
     *
     * <p>The CPU counters carry timestamps that start {@link #CPU_HISTORY} in the past and advance 10 s per scrape
     * until they reach the present, so a 5-minute {@code rate()} has its full window within a minute of the start.
     */
    public static FakeTarget kubeStateMetrics() throws IOException {
        long origin = System.currentTimeMillis() - CPU_HISTORY.toMillis();
        AtomicInteger scrapes = new AtomicInteger();
        return new FakeTarget(() -> {
            long at = Math.min(origin + 10_000L * scrapes.getAndIncrement(), System.currentTimeMillis());
            double cpuSeconds = (at - origin) / 1000.0 * 0.25;
            return KUBE_STATE + """
                # TYPE container_cpu_usage_seconds_total counter
                container_cpu_usage_seconds_total{namespace="crucible",pod="dispatcher-7d9f-a",container="worker"} %s %d
                container_cpu_usage_seconds_total{namespace="crucible",pod="dispatcher-7d9f-b",container="worker"} %s %d
                container_cpu_usage_seconds_total{namespace="crucible",pod="web-55c4-a",container="web"} %s %d
                """.formatted(cpuSeconds, at, cpuSeconds, at, 4 * cpuSeconds, at);
        });
    }

    /** How far back the fake cAdvisor's CPU samples start: more than a 5-minute rate window. */
    public static final Duration CPU_HISTORY = Duration.ofMinutes(6);

    private static final String KUBE_STATE = """
                # TYPE kube_horizontalpodautoscaler_spec_max_replicas gauge
                kube_horizontalpodautoscaler_spec_max_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
                # TYPE kube_horizontalpodautoscaler_spec_min_replicas gauge
                kube_horizontalpodautoscaler_spec_min_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 1
                # TYPE kube_horizontalpodautoscaler_status_current_replicas gauge
                kube_horizontalpodautoscaler_status_current_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 19
                # TYPE kube_horizontalpodautoscaler_status_desired_replicas gauge
                kube_horizontalpodautoscaler_status_desired_replicas{namespace="crucible",horizontalpodautoscaler="dispatcher"} 20
                # TYPE kube_deployment_status_replicas gauge
                kube_deployment_status_replicas{namespace="crucible",deployment="dispatcher"} 2
                kube_deployment_status_replicas{namespace="crucible",deployment="web"} 1
                # TYPE kube_replicaset_owner gauge
                kube_replicaset_owner{namespace="crucible",replicaset="dispatcher-7d9f",owner_kind="Deployment",owner_name="dispatcher",owner_is_controller="true"} 1
                kube_replicaset_owner{namespace="crucible",replicaset="web-55c4",owner_kind="Deployment",owner_name="web",owner_is_controller="true"} 1
                # TYPE kube_pod_owner gauge
                kube_pod_owner{namespace="crucible",pod="dispatcher-7d9f-a",owner_kind="ReplicaSet",owner_name="dispatcher-7d9f",owner_is_controller="true"} 1
                kube_pod_owner{namespace="crucible",pod="dispatcher-7d9f-b",owner_kind="ReplicaSet",owner_name="dispatcher-7d9f",owner_is_controller="true"} 1
                kube_pod_owner{namespace="crucible",pod="web-55c4-a",owner_kind="ReplicaSet",owner_name="web-55c4",owner_is_controller="true"} 1
                # TYPE kube_pod_container_resource_requests gauge
                kube_pod_container_resource_requests{namespace="crucible",pod="dispatcher-7d9f-a",container="worker",resource="cpu",unit="core"} 0.5
                kube_pod_container_resource_requests{namespace="crucible",pod="dispatcher-7d9f-b",container="worker",resource="cpu",unit="core"} 0.5
                kube_pod_container_resource_requests{namespace="crucible",pod="web-55c4-a",container="web",resource="cpu",unit="core"} 1
                # TYPE keda_scaled_object_errors_total counter
                keda_scaled_object_errors_total{namespace="crucible",scaledObject="dispatcher"} 0
                """;

    /**
     * The dispatcher's pods, each counting {@code http_requests_total} at {@code perSecond}, with the namespace and
     * pod labels the Prometheus Operator adds, and timing them in {@code http_request_duration_seconds}: every request
     * takes between 0.25 and 0.5 s, so the p95 over the pods is 0.4875 s (linear within that bucket).
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
            body.append("# TYPE http_request_duration_seconds histogram\n");
            for (String pod : pods) {
                String labels = "namespace=\"crucible\",pod=\"" + pod + "\"";
                for (String[] bucket : new String[][] {{"0.1", "0"}, {"0.25", "0"}, {"0.5", "1"}, {"+Inf", "1"}}) {
                    body.append("http_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                            .append(bucket[0]).append("\"} ").append(count * Double.parseDouble(bucket[1]))
                            .append(' ').append(at).append('\n');
                }
                body.append("http_request_duration_seconds_sum{").append(labels).append("} ").append(count * 0.4)
                        .append(' ').append(at).append('\n');
                body.append("http_request_duration_seconds_count{").append(labels).append("} ").append(count)
                        .append(' ').append(at).append('\n');
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
