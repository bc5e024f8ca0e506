package io.celeryexporter.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.BrokerUrl;
import io.celeryexporter.broker.TlsSettings;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.web.ListenAddress;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The exporter as a whole: a real Redis it may lose, the poll loop, and HTTP. */
class ExporterHttpTest {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final String PASSWORD = "TopSecret-42";

    private RedisServer redis;
    private Exporter exporter;
    private String base;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start("--requirepass", PASSWORD);
        try (RedisClient client = RedisClient.create("redis://:" + PASSWORD + "@127.0.0.1:" + redis.port())) {
            CeleryRedis celery = new CeleryRedis(client);
            celery.publish("evaluation", 0, 7);
            celery.publish("evaluation", 9, 2);
            celery.declare("idle");
            celery.publish("weird \"name\"\n", 0, 1);
        }
        BrokerUrl url = BrokerUrl.parse("redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0");
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(), POLL,
                Duration.ofSeconds(30));
        exporter = Exporter.start(BrokerConnector.connect(new BrokerSettings(url, null, TlsSettings.DEFAULT,
                        Duration.ofMillis(500))), url.redacted(), config, new MessageDecoder(List.of()),
                ListenAddress.parse("127.0.0.1:0"), "test");
        base = "http://127.0.0.1:" + exporter.address().getPort();
        Eventually.await(Duration.ofSeconds(5), "first poll", () -> exporter.state().isReady());
    }

    @AfterEach
    void stop() {
        exporter.close();
        redis.close();
    }

    private Metrics metrics() {
        return Metrics.parse(Http.get(base + "/metrics").body());
    }

    @Test
    void servesQueueFiguresAndHealthInPrometheusText() {
        HttpResponse<String> response = Http.get(base + "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        Metrics m = Metrics.parse(response.body());
        assertEquals(9, m.value("celery_queue_length{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(7, m.value("celery_queue_length_by_priority{priority=\"0\",queue_name=\"evaluation\"}")
                .orElseThrow());
        assertEquals(2, m.value("celery_queue_length_by_priority{priority=\"9\",queue_name=\"evaluation\"}")
                .orElseThrow());
        assertEquals(0, m.value("celery_queue_length{queue_name=\"idle\"}").orElseThrow());
        assertEquals(1, m.value("celery_queue_length{queue_name=\"weird \\\"name\\\"\\n\"}").orElseThrow(),
                "label values are escaped");
        assertEquals(0, m.value("celery_queue_reserved_tasks{queue_name=\"idle\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_scheduled_tasks{queue_name=\"idle\"}").orElseThrow());
        assertEquals(1, m.value("celery_exporter_broker_up").orElseThrow());
        assertEquals(0, m.value("celery_exporter_poll_errors_total").orElseThrow());
        assertEquals(0, m.value("celery_exporter_undecodable_messages_total{queue_name=\"idle\"}").orElseThrow());
        assertEquals(1, m.value("celery_exporter_build_info{version=\"test\"}").orElseThrow());
        assertTrue(m.value("celery_exporter_poll_duration_seconds").orElseThrow() > 0);
        assertTrue(m.value("celery_exporter_last_successful_poll_timestamp_seconds").orElseThrow() > 1.7e9);
        // queued before the exporter started, with no time in the messages: age known only as a lower bound
        assertEquals(1, m.value("celery_queue_age_lower_bound{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_age_lower_bound{queue_name=\"idle\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_oldest_task_age_seconds{queue_name=\"idle\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_average_wait_seconds{queue_name=\"idle\"}").orElseThrow());
        assertTrue(m.value("celery_queue_oldest_task_age_seconds{queue_name=\"evaluation\"}").orElseThrow() >= 0);
        assertEquals(0, m.value("celery_queue_enqueued_total{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_dequeued_total{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_wait_seconds_count{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_wait_seconds_bucket{queue_name=\"evaluation\",le=\"3600.0\"}")
                .orElseThrow());
        assertEquals(0, m.value("celery_queue_restored_total{queue_name=\"evaluation\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_counts_exact{queue_name=\"evaluation\"}").orElseThrow(),
                "snapshots only: the counters are lower bounds, and say so");
        assertEquals(1, m.value("celery_exporter_flow_source_info{source=\"snapshots\"}").orElseThrow());
        assertEquals(0, m.value("celery_exporter_event_gaps_total{reason=\"subscription_lost\"}").orElseThrow());
        assertEquals(0, m.value("celery_exporter_keyspace_events_total").orElseThrow());
        assertFalse(m.hasFamily("celery_queue_tasks"), "the breakdown is off by default");
        assertTrue(m.hasFamily("jvm_memory_used_bytes"), "JVM metrics are served");
        assertFalse(response.body().contains(PASSWORD));
    }

    @Test
    void arrivalsAndDeparturesMoveTheCounters() {
        try (RedisClient client = RedisClient.create("redis://:" + PASSWORD + "@127.0.0.1:" + redis.port())) {
            new CeleryRedis(client).publish("idle", 0, 3);
            Eventually.await(Duration.ofSeconds(5), "arrivals seen",
                    () -> metrics().value("celery_queue_enqueued_total{queue_name=\"idle\"}").orElse(0) == 3);
            client.rpop("idle");
            client.rpop("idle");
        }
        Eventually.await(Duration.ofSeconds(5), "departures seen",
                () -> metrics().value("celery_queue_dequeued_total{queue_name=\"idle\"}").orElse(0) == 2);
        Metrics m = metrics();
        assertEquals(2, m.value("celery_queue_wait_seconds_count{queue_name=\"idle\"}").orElseThrow());
        assertEquals(1, m.value("celery_queue_length{queue_name=\"idle\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_age_lower_bound{queue_name=\"idle\"}").orElseThrow());
    }

    @Test
    void negotiatesOpenMetrics() {
        HttpResponse<String> response = Http.get(base + "/metrics",
                "Accept", "application/openmetrics-text; version=1.0.0");
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(response.body().contains("celery_queue_length{queue_name=\"evaluation\"} 9"));
        assertTrue(response.body().strip().endsWith("# EOF"));
    }

    /**
     * The body is streamed (chunked), gzipped for a scraper that accepts it as Prometheus does, and limited to the
     * families {@code name[]} asks for; HEAD answers the headers only.
     */
    @Test
    void streamsGzippedOrFilteredBodies() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<byte[]> zipped = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(zipped.headers().firstValue("Content-Length").isEmpty(), "chunked, not held whole");
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(9, Metrics.parse(text).value("celery_queue_length{queue_name=\"evaluation\"}").orElseThrow());

        Metrics one = Metrics.parse(Http.get(base + "/metrics?name[]=celery_queue_length").body());
        assertEquals(9, one.value("celery_queue_length{queue_name=\"evaluation\"}").orElseThrow());
        assertTrue(one.value("celery_exporter_broker_up").isEmpty(), "only the family asked for");

        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals("", head.body());
    }

    @Test
    void landingPageShowsQueuesAndMasksThePassword() {
        HttpResponse<String> page = Http.get(base + "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<td>evaluation</td><td>9</td>"), page.body());
        assertTrue(page.body().contains("<th>Oldest age (s)</th>"), page.body());
        assertTrue(page.body().contains("<td>&ge; "), "queued before the start: a lower bound, marked as such");
        assertTrue(page.body().contains("weird &quot;name&quot;"), "names are HTML-escaped");
        assertTrue(page.body().contains("&ge; marks a lower bound"), "the counts are lower bounds, and it says so");
        assertTrue(page.body().contains("redis://:****@127.0.0.1"));
        assertFalse(page.body().contains(PASSWORD));
        assertTrue(page.body().contains("href=\"metrics\""));
        assertEquals(404, Http.get(base + "/nothing-here").statusCode());
    }

    @Test
    void brokerOutageWithholdsStaleQueueSeriesAndRecoversWithinOneInterval() {
        assertEquals(200, Http.get(base + "/-/ready").statusCode());
        redis.kill();
        Eventually.await(Duration.ofSeconds(5), "broker_up 0",
                () -> metrics().value("celery_exporter_broker_up").orElse(-1) == 0);
        HttpResponse<String> ready = Http.get(base + "/-/ready");
        assertEquals(503, ready.statusCode());
        assertFalse(ready.body().contains(PASSWORD));
        assertEquals(200, Http.get(base + "/-/healthy").statusCode(), "the process itself is healthy");
        Eventually.await(Duration.ofSeconds(5), "queue series withheld once stale",
                () -> !metrics().hasFamily("celery_queue_length"));
        Metrics down = metrics();
        assertTrue(down.value("celery_exporter_poll_errors_total").orElseThrow() >= 1);
        assertFalse(down.hasFamily("celery_queue_reserved_tasks"));

        redis.restart(); // empty: Redis keeps nothing on disk here
        long restartedAt = System.nanoTime();
        Eventually.await(Duration.ofSeconds(5), "recovery", () -> exporter.state().isReady());
        Duration recovery = Duration.ofNanos(System.nanoTime() - restartedAt);
        // one interval after the broker is back, plus room for a loaded machine; a backoff would take far longer
        assertTrue(recovery.compareTo(POLL.multipliedBy(10)) < 0, "recovered after " + recovery);
        assertEquals(1, metrics().value("celery_exporter_broker_up").orElseThrow());
    }
}
