package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.keda.KedaConfig;
import io.celeryexporter.keda.proto.ExternalScalerGrpc;
import io.celeryexporter.keda.proto.ScaledObjectRef;
import io.celeryexporter.load.LoadGenerator;
import io.celeryexporter.load.LoadSettings;
import io.celeryexporter.load.RateProfile;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.FakeTarget;
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.PrometheusServer;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.celeryexporter.workers.WorkersConfig;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Every expression the repository ships runs against a real Prometheus scraping a real exporter, which polls a real
 * Redis with Celery traffic, and returns data where data must exist. This is where a renamed metric or a wrong label
 * gets caught.
 */
class PrometheusExpressionsTest {

    /** Series selectors the checks below look up: this project's metrics, its recording rules, and the ones it joins. */
    private static final Pattern SELECTOR =
            Pattern.compile("\\b((?:celery_|queue_name:|queue_name_state:|worker_group:|dispatcher:|kube_|container_"
                    + "|keda_)[a-zA-Z0-9_:]*|up)"
                    + "(\\{[^}]*\\})?");

    private static RedisServer redis;
    private static Exporter exporter;
    private static FakeTarget ksm;
    private static PrometheusServer prometheus;
    private static LoadGenerator load;
    private static Thread traffic;
    private static ScheduledExecutorService heartbeats;
    private static final byte[] HEARTBEAT_CHANNEL = "/0.celeryev/worker.heartbeat".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        RedisClient writer = redis.client();
        load = new LoadGenerator(writer, new LoadSettings("evaluation", List.of("tasks.evaluate", "tasks.report"), 30,
                RateProfile.CONSTANT, Duration.ofMinutes(5), 20, List.of(0, 5), 0, 0, ""),
                PrioritySteps.KOMBU_DEFAULT);
        traffic = new Thread(() -> {
            try {
                load.run(p -> { });
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        traffic.start();
        // a real worker's heartbeat (it consumes evaluation, 2 slots): the worker series and rules have data;
        // "idle" has no consumer, so its attribution is certain, as CeleryQueueWithoutWorkers reads it
        CeleryRedis celery = new CeleryRedis(writer);
        celery.declare("idle");
        // a worker holds an ETA task of evaluation: its split gets series (the alerts read them)
        celery.unacked("eta", CeleryRedis.unackedValue(celery.message("evaluation", "tasks.evaluate", 0,
                "2099-01-01T00:00:00+00:00"), "evaluation"));
        byte[] heartbeat = Fixtures.celery("event-worker-heartbeat-pubsub.json");
        heartbeats = Executors.newSingleThreadScheduledExecutor();
        heartbeats.scheduleAtFixedRate(() -> writer.publish(HEARTBEAT_CHANNEL, heartbeat), 0, 1, TimeUnit.SECONDS);
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofMillis(500), Duration.ofSeconds(5),
                new ExporterConfig.TaskBreakdownConfig(true, 100, 10)).withWorkers(WorkersConfig.DEFAULT);
        exporter = Exporter.start(Brokers.connect(redis.url(), Duration.ofSeconds(2)), redis.url(), config,
                new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), WebConfig.NONE,
                new KedaConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null), "test");
        // KEDA asks for a queue the exporter does not read: the refused calls the KEDA alert reads
        ManagedChannel keda = Grpc.newChannelBuilderForAddress("127.0.0.1",
                exporter.kedaAddress().orElseThrow().getPort(), InsecureChannelCredentials.create()).build();
        try {
            Eventually.await(Duration.ofSeconds(30), "a refused KEDA call", () -> {
                try {
                    ExternalScalerGrpc.newBlockingStub(keda).withDeadlineAfter(5, TimeUnit.SECONDS).isActive(
                            ScaledObjectRef.newBuilder().putScalerMetadata("queue", "nonesuch").build());
                    return false;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode() == Status.Code.NOT_FOUND;
                }
            });
        } finally {
            keda.shutdownNow();
        }
        ksm = FakeTarget.kubeStateMetrics();
        prometheus = new PrometheusServer(Map.of(
                "celery-queue-exporter", List.of("127.0.0.1:" + exporter.address().getPort()),
                "kube-state-metrics", List.of(ksm.target())),
                RuleFilesTest.RULE_FILES);
        List<String> records = new ArrayList<>();
        for (JsonNode rule : RuleFilesTest.allRules()) {
            if (rule.has("record") && !EVENT_DRIVEN.contains(rule.get("record").asText())) {
                records.add(rule.get("record").asText());
            }
        }
        Eventually.await(Duration.ofSeconds(90), "every recording rule and the task breakdown in Prometheus", () ->
                !prometheus.query("queue_name:celery_queue_wait_seconds:p99_5m > 0").isEmpty()
                        && !prometheus.query("celery_queue_tasks").isEmpty()
                        && records.stream().allMatch(r -> !prometheus.query(r).isEmpty()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (load != null) {
            load.stop();
            traffic.join(5000);
        }
        for (AutoCloseable c : new AutoCloseable[] {prometheus, ksm, exporter, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static Set<String> selectors(String expr) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            out.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        }
        return out;
    }

    private static void assertReturnsData(String what, String expr) {
        JsonNode result = prometheus.query(expr);
        assertFalse(result.isEmpty(), what + " returned no data: " + expr);
    }

    /**
     * Rules with data only after events a steady fake cluster does not produce within the test: a minute of replica
     * history, or a scaling step. promtool's unit tests (alerts/tests) cover their values; here their expressions
     * must still run and every series they read must exist.
     */
    private static final Set<String> EVENT_DRIVEN = Set.of("dispatcher:hpa_replicas:delta1m",
            "dispatcher:hpa_scale_direction:last");

    @Test
    void everyRecordingRuleHasData() throws Exception {
        int records = 0;
        for (JsonNode rule : RuleFilesTest.allRules()) {
            if (!rule.has("record")) {
                continue;
            }
            records++;
            String name = rule.get("record").asText();
            if (EVENT_DRIVEN.contains(name)) {
                prometheus.query(rule.get("expr").asText());
                for (String selector : selectors(rule.get("expr").asText())) {
                    if (!EVENT_DRIVEN.contains(selector)) {
                        assertReturnsData("recording rule " + name, selector);
                    }
                }
            } else {
                assertReturnsData("recording rule " + name, name);
            }
        }
        assertTrue(records >= 20, "records: " + records);
    }

    @Test
    void everyAlertRunsAndEverySeriesItReadsExists() throws Exception {
        for (JsonNode rule : RuleFilesTest.allRules()) {
            if (!rule.has("alert")) {
                continue;
            }
            String name = rule.get("alert").asText();
            String expr = rule.get("expr").asText();
            prometheus.query(expr); // throws on a PromQL error
            Set<String> selectors = selectors(expr);
            assertFalse(selectors.isEmpty(), name);
            for (String selector : selectors) {
                if (!EVENT_DRIVEN.contains(selector)) {
                    assertReturnsData("alert " + name, selector);
                }
            }
        }
    }

    @Test
    void everyDashboardTargetReturnsDataWithItsVariablesSubstituted() throws Exception {
        List<String> checked = new ArrayList<>();
        for (JsonNode panel : DashboardLintTest.panels()) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText()
                        .replace("$queue_name", "evaluation")
                        .replace("$hpa", "dispatcher")
                        .replace("$__rate_interval", "20s");
                assertFalse(expr.contains("$"), "unsubstituted variable in " + expr);
                assertReturnsData("panel '" + panel.get("title").asText() + "'", expr);
                checked.add(expr);
            }
        }
        assertTrue(checked.size() >= 15, "targets: " + checked.size());
    }

    /** The single value of an expression at a settled moment. */
    private static double value(String expr, double at) {
        JsonNode result = prometheus.query(expr, at);
        assertEquals(1, result.size(), expr + " -> " + result);
        return result.get(0).get("value").get(1).asDouble();
    }

    /**
     * The scaling and cost rules compute what the fake cluster fixes: 2 dispatcher pods requesting 0.5 core each and
     * using 0.25 each (the web pod left out), an HPA at 19 of 20, and the price of 0.05 a replica-hour.
     */
    @Test
    void scalingAndCostRulesComputeWhatTheirInputsFix() {
        Eventually.await(Duration.ofSeconds(60), "the fake CPU samples up to the present: a full 5-minute window",
                () -> !prometheus.query("time() - timestamp(container_cpu_usage_seconds_total) < 5").isEmpty());
        double at = System.currentTimeMillis() / 1000.0;
        List<String> rules = List.of("dispatcher:cpu_utilization:ratio_rate5m", "dispatcher:replica_hours:1h",
                "dispatcher:hpa_replicas:desired_minus_current", "dispatcher:cost_per_task:1h");
        // read every value at one instant, once the evaluations up to it have been recorded
        Eventually.await(Duration.ofSeconds(30), "the rules evaluated at " + at,
                () -> rules.stream().allMatch(r -> !prometheus.query(r, at).isEmpty())
                        && System.currentTimeMillis() / 1000.0 > at + 3);
        // rate() extrapolates its window's start by at most half a sample interval: with the fake's 10 s history
        // steps, up to 5 s of 300 s (1.7 %) low; the web pod, or a wrong request sum, would be far off
        assertEquals(0.5, value("dispatcher:cpu_utilization:ratio_rate5m", at), 0.5 * 0.02, "0.25 of 0.5 core per pod");
        assertEquals(2, value("dispatcher:replica_hours:1h", at), 1e-9, "2 replicas all along");
        assertEquals(19, value("dispatcher:hpa_replicas:current", at));
        assertEquals(20, value("dispatcher:hpa_replicas:desired", at));
        assertEquals(1, value("dispatcher:hpa_replicas:desired_minus_current", at));
        double tasks = value("dispatcher:tasks_dequeued:1h", at);
        assertTrue(tasks > 0, "the load's consumer took tasks: " + tasks);
        assertEquals(2 * 3600 / tasks, value("dispatcher:replica_seconds_per_task:1h", at), 1e-9 * 3600 / tasks);
        assertEquals(2 * 0.05 / tasks, value("dispatcher:cost_per_task:1h", at), 1e-12);
    }

    @Test
    void variableQueriesFindTheirValues() throws Exception {
        assertReturnsData("the queue_name variable", "celery_queue_length{queue_name=\"evaluation\"}");
        assertReturnsData("the hpa variable", "kube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler=\"dispatcher\"}");
    }
}
