package io.celeryexporter.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.celeryexporter.autoscaling.keda.KedaAutoscaler;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.FakeTarget;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.PrometheusServer;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.workers.WorkersConfig;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The autoscaling chain with real processes: Redis with 250 queued Celery tasks, two exporter replicas, a real
 * Prometheus scraping them every second, the adapter's queries rendered as prometheus-adapter renders them, and
 * the autoscaling/v2 formulas applied to what those queries return.
 */
class AdapterEndToEndTest {

    private static final List<String> PODS = List.of("dispatcher-0", "dispatcher-1", "dispatcher-2");
    private static final double PUBLISHED_SECONDS_AGO = 60;

    /** Longest a queried value may trail its evaluation time: a 1 s scrape, a 0.5 s poll, room for a loaded box. */
    private static final double LAG_SECONDS = 5;

    private static RedisServer redis;
    private static double publishedAt;
    private static double exportersStartedAt;
    private static double exportersFirstPolledAt;
    private static final List<Exporter> exporters = new ArrayList<>();
    /** A worker of evaluation, 4 slots all busy, starting 4 tasks a second: what its heartbeats say. */
    private static ScheduledExecutorService worker;
    private static FakeTarget pods;
    private static PrometheusServer prometheus;
    private static Adapter adapter;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        try (RedisClient client = redis.client()) {
            CeleryRedis celery = new CeleryRedis(client);
            celery.declare("evaluation");
            celery.publish("other", 0, 40); // another queue: the selector must keep it out
            publishedAt = System.currentTimeMillis() / 1000.0 - PUBLISHED_SECONDS_AGO;
            for (int i = 0; i < 250; i++) {
                int priority = i % 2 == 0 ? 0 : 9;
                client.lpush(KeyNaming.withPrefix("").listKey("evaluation", priority == 0 ? 0 : 9),
                        celery.message("evaluation", "tasks.evaluate", priority, null,
                                Map.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER, publishedAt)));
            }
        }
        worker = Executors.newSingleThreadScheduledExecutor();
        long[] processed = {0};
        worker.scheduleAtFixedRate(() -> {
            try (RedisClient client = redis.client()) {
                client.publish(HEARTBEAT_CHANNEL, heartbeat(processed[0]));
            }
            processed[0] += 8;
        }, 0, 2, TimeUnit.SECONDS);
        List<String> exporterTargets = new ArrayList<>();
        exportersStartedAt = System.currentTimeMillis() / 1000.0;
        for (int i = 0; i < 2; i++) { // two replicas: their series must not add up
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                    Duration.ofMillis(500), Duration.ofSeconds(30)).withWorkers(WorkersConfig.DEFAULT);
            Exporter exporter = Exporter.start(Brokers.connect(redis.url(), Duration.ofSeconds(2)), redis.url(), config,
                    new MessageDecoder(List.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER)),
                    ListenAddress.parse("127.0.0.1:0"), "test");
            exporters.add(exporter);
            exporterTargets.add("127.0.0.1:" + exporter.address().getPort());
        }
        Eventually.await(Duration.ofSeconds(10), "both exporters' first poll",
                () -> exporters.stream().allMatch(e -> e.state().isReady()));
        exportersFirstPolledAt = System.currentTimeMillis() / 1000.0;
        pods = FakeTarget.dispatcherPods(PODS, 150);
        prometheus = new PrometheusServer(Map.of("celery-queue-exporter", exporterTargets,
                "dispatcher", List.of(pods.target())), List.of());
        adapter = Adapter.load(Path.of("prometheus-adapter/config.yaml"));
        Eventually.await(Duration.ofSeconds(90), "both exporters scraped, and the pods' samples up to the present",
                () -> prometheus.query("celery_queue_length{queue_name=\"evaluation\"}").size() == 2
                        && prometheus.query("celery_queue_required_replicas{queue_name=\"evaluation\"}").size() == 2
                        && prometheus.query("time() - timestamp(http_requests_total) < 5").size() == PODS.size()
                        && prometheus.query("count_over_time(http_requests_total[2m]) > 10").size() == PODS.size());
    }

    private static final byte[] HEARTBEAT_CHANNEL = "/0.celeryev/worker.heartbeat".getBytes(StandardCharsets.UTF_8);

    /** A worker's heartbeat envelope, as a Celery 5.2.6 worker with x_worker_info publishes it. */
    private static byte[] heartbeat(long processed) {
        String body = "{\"hostname\": \"celery@dispatcher-7d9f8c6b5-bbbbb\", \"freq\": 2.0, \"active\": 4,"
                + " \"processed\": " + processed + ", \"x_worker_info\": {\"queues\": [\"evaluation\"],"
                + " \"concurrency\": 4, \"prefetch_multiplier\": 4, \"acks_late\": false},"
                + " \"type\": \"worker-heartbeat\"}";
        return ("{\"body\": \"" + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))
                + "\", \"content-type\": \"application/json\", \"properties\": {\"body_encoding\": \"base64\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.shutdownNow();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (pods != null) {
            pods.close();
        }
        exporters.forEach(Exporter::close);
        if (redis != null) {
            redis.close();
        }
    }

    /** The external metric as the HPA would get it: the rendered query must return exactly one series. */
    private static double external(MetricSpec metric) {
        String name = metric.getExternal().getMetric().getName();
        JsonNode rule = adapter.externalRule(name);
        assertNotNull(rule, name);
        String query = Adapter.renderExternal(rule, name, metric.getExternal().getMetric().getSelector()
                .getMatchLabels());
        JsonNode result = prometheus.query(query);
        assertEquals(1, result.size(), "exactly one series for " + query + ": " + result);
        return result.get(0).get("value").get(1).asDouble();
    }

    private static double podsAverage(MetricSpec metric) {
        Adapter.CustomMatch match = adapter.customRuleFor(metric.getPods().getMetric().getName());
        JsonNode result = prometheus.query(Adapter.renderPods(match.rule(), match.seriesName(), "crucible", PODS));
        assertEquals(PODS.size(), result.size(), "one series per pod");
        double sum = 0;
        for (JsonNode series : result) {
            sum += series.get("value").get(1).asDouble();
        }
        return sum / result.size();
    }

    @Test
    void everyExternalRuleReturnsOneSeriesEqualToTheExportersValue() {
        Metrics direct = Metrics.parse(Http.get("http://127.0.0.1:" + exporters.get(0).address().getPort()
                + "/metrics").body());
        assertEquals(250, direct.value("celery_queue_length{queue_name=\"evaluation\"}").orElseThrow());
        for (String name : List.of("celery_queue_length", "celery_queue_oldest_task_age_seconds",
                "celery_queue_average_wait_seconds")) {
            JsonNode rule = adapter.externalRule(name);
            String query = Adapter.renderExternal(rule, name, Map.of("queue_name", "evaluation"));
            JsonNode result = prometheus.query(query);
            assertEquals(1, result.size(), query + " -> " + result);
            double at = result.get(0).get("value").get(0).asDouble(); // the query's evaluation time
            double value = result.get(0).get("value").get(1).asDouble();
            // what the test itself knows: when it published the tasks (their header), when the exporters started
            double newest;
            double oldest;
            switch (name) {
                case "celery_queue_length" -> {
                    newest = 250;
                    oldest = 250;
                }
                case "celery_queue_oldest_task_age_seconds" -> { // from the publish-time header
                    newest = at - publishedAt;
                    oldest = at - LAG_SECONDS - publishedAt;
                }
                default -> { // the average of first-seen waits: first seen at an exporter's first poll
                    newest = at - exportersStartedAt;
                    oldest = at - LAG_SECONDS - exportersFirstPolledAt;
                }
            }
            assertTrue(value >= oldest - 1e-6 && value <= newest + 1e-6,
                    name + " = " + value + ", expected within [" + oldest + ", " + newest + "]");
        }
        JsonNode length = prometheus.query(Adapter.renderExternal(adapter.externalRule("celery_queue_length"),
                "celery_queue_length", Map.of("queue_name", "evaluation")));
        assertEquals(250, length.get(0).get("value").get(1).asDouble(), "two replicas, counted once");
    }

    @Test
    void queueDepthHpaAsksFor25AndItsPolicyTakesFourPodsAStep() throws Exception {
        MetricSpec metric = Manifests.hpa(Path.of("hpa/queue-length.yaml")).getSpec().getMetrics().get(0);
        HpaSpec hpa = ControllerModel.spec("hpa/queue-length.yaml");
        double length = external(metric);
        assertEquals(250, length);
        assertEquals(25, ControllerModel.proposal(hpa, 0, 5, length), "ceil(250 / 10)");
        assertEquals(9, ControllerModel.firstSync(hpa, 5, m -> length), "scaleUp policy: +4 pods per 15 s");
    }

    @Test
    void waitHpaScalesOnTheAgeItselfNotPerPod() throws Exception {
        MetricSpec metric = Manifests.hpa(Path.of("hpa/wait-time.yaml")).getSpec().getMetrics().get(0);
        HpaSpec hpa = ControllerModel.spec("hpa/wait-time.yaml");
        double age = external(metric);
        // the messages carry a publish time 60 s before the test started, so the age is known, not a lower bound
        assertTrue(age >= PUBLISHED_SECONDS_AGO && age < PUBLISHED_SECONDS_AGO + 60, "age " + age);
        int proposal = ControllerModel.proposal(hpa, 0, 3, age); // Value: 3 replicas x age / 5 s
        assertEquals((int) Math.ceil(3 * age / 5), proposal);
        assertEquals(7, ControllerModel.firstSync(hpa, 3, m -> age),
                "scaleUp policies: the larger of +4 pods and +100 %: max(3 + 4, 6)");
    }

    @Test
    void requestRateHpaUsesTheAverageOverPods() throws Exception {
        MetricSpec metric = Manifests.hpa(Path.of("hpa/http-rate.yaml")).getSpec().getMetrics().get(0);
        HpaSpec hpa = ControllerModel.spec("hpa/http-rate.yaml");
        double average = podsAverage(metric);
        assertEquals(150, average, 10, "each pod serves 150 requests/s");
        // 3 pods at ~150/s against 100/s per pod: ceil(3 x 1.5) = 5, within the legacy limit max(2 x 3, 4)
        assertEquals((int) Math.ceil(3 * average / 100), ControllerModel.firstSync(hpa, 3, m -> average));
    }

    /**
     * The worker runs 4 tasks at once and starts 4 a second: 1 s a task. The 250 queued ask for their drain within
     * 30 s: 1 s x (4/s + 250 / 30 s) / 4 slots = 3.08 workers at 100 % busy.
     */
    private static final double REQUIRED = (4 + 250 / 30.0) / 4;

    @Test
    void loadHpaAsksForTheWorkersTheQueueNeeds() throws Exception {
        MetricSpec metric = Manifests.hpa(Path.of("hpa/load.yaml")).getSpec().getMetrics().get(0);
        HpaSpec hpa = ControllerModel.spec("hpa/load.yaml");
        double required = external(metric);
        // the start rate is counted from heartbeats 2 s apart over a minute: within a few percent
        assertEquals(REQUIRED, required, 0.1 * REQUIRED, "required replicas");
        assertEquals((int) Math.ceil(required), ControllerModel.proposal(hpa, 0, 2, required), "AverageValue 1");
        assertEquals(4, ControllerModel.firstSync(hpa, 2, m -> required), "ceil(3.08), within +10 pods a sync");
    }

    @Test
    void compositeHpaTakesTheLargestOfCpuLoadAndAge() throws Exception {
        List<MetricSpec> metrics = Manifests.hpa(Path.of("hpa/composite.yaml")).getSpec().getMetrics();
        HpaSpec hpa = ControllerModel.spec("hpa/composite.yaml");
        double cpuUtilization = 35; // percent of requests, as metrics-server would report for 4 pods
        double required = external(metrics.get(1));
        double age = external(metrics.get(2));
        assertEquals(2, ControllerModel.proposal(hpa, 0, 4, cpuUtilization), "ceil(4 x 35 / 90)");
        assertEquals((int) Math.ceil(required), ControllerModel.proposal(hpa, 1, 4, required), "AverageValue 1");
        int ageProposal = (int) Math.ceil(4 * age / 30);
        assertEquals(ageProposal, ControllerModel.proposal(hpa, 2, 4, age), "Value: 4 x age / 30 s");
        int desired = ControllerModel.firstSync(hpa, 4, m -> switch (m) {
            case 0 -> cpuUtilization;
            case 1 -> required;
            default -> age;
        });
        assertEquals(Math.min(4 + 10, Math.max(4, ageProposal)), desired,
                "the largest proposal, the oldest age's (the tasks were published a minute ago), within +10 pods");
    }

    /** Every prometheus trigger of every ScaledObject in keda/, as KEDA runs it: one element, and what it is. */
    @Test
    void everyKedaQueryReturnsOneElementAndTheGeneratedHpaActsOnIt() throws Exception {
        Map<String, Double> values = new TreeMap<>();
        for (String file : ManifestTest.KEDA_FILES) {
            JsonNode so = Manifests.YAML.readTree(Path.of("keda", file + ".yaml").toFile());
            for (JsonNode trigger : so.at("/spec/triggers")) {
                if (trigger.get("type").asText().equals("prometheus")) {
                    String query = trigger.at("/metadata/query").asText();
                    JsonNode result = prometheus.query(query);
                    assertEquals(1, result.size(), file + ": KEDA refuses more than one element: " + query);
                    values.put(file + "/" + trigger.get("name").asText(),
                            result.get(0).get("value").get(1).asDouble());
                }
            }
        }
        assertEquals(250, values.get("queue-length/queue_length"), "two exporter replicas, counted once");
        assertEquals(250, values.get("composite/backlog"), "nothing prefetched: the queue");
        assertEquals(250, values.get("load/backlog"));
        assertEquals(REQUIRED, values.get("load/required_replicas"), 0.1 * REQUIRED);
        assertEquals(values.get("load/required_replicas"), values.get("composite/required_replicas"), 0.1 * REQUIRED);
        assertEquals(values.get("load/required_replicas"), values.get("push/required_replicas"), 0.1 * REQUIRED,
                "keda/push.yaml asks Prometheus for the load as keda/load.yaml does");
        assertEquals(250, values.get("http-latency/queue_length"));
        double age = values.get("wait-time/oldest_task_age");
        assertTrue(age >= PUBLISHED_SECONDS_AGO && age < PUBLISHED_SECONDS_AGO + 60, "age " + age);
        assertEquals(0.4875, values.get("http-latency/http_p95_latency"), 1e-6,
                "every request in (0.25, 0.5]: 0.25 + 0.95 x 0.25");

        assertEquals(25, ControllerModel.proposal(kedaHpa("queue-length"), 0, 1, 250), "ceil(250 / 10)");
        assertEquals((int) Math.ceil(3 * age / 5), ControllerModel.proposal(kedaHpa("wait-time"), 0, 3, age));
        double required = values.get("load/required_replicas");
        assertEquals((int) Math.ceil(required), ControllerModel.proposal(kedaHpa("load"), 0, 1, required));
        assertEquals(5, ControllerModel.proposal(kedaHpa("load"), 1, 1, 250), "the backlog: ceil(250 / 50)");
        assertEquals(5, ControllerModel.proposal(kedaHpa("composite"), 1, 1, 250));
        assertEquals(3, ControllerModel.proposal(kedaHpa("http-latency"), 0, 3, 0.4875),
                "p95 0.4875 s against 0.5 s is within the 10 % tolerance: keep 3");
    }

    private static HpaSpec kedaHpa(String file) throws Exception {
        return ((KedaAutoscaler) AutoscalerFiles.read(Path.of("keda", file + ".yaml"), 15,
                ReplicaCalculator.Settings.DEFAULT)).hpa();
    }
}
