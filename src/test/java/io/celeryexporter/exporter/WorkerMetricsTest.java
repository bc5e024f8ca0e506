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
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.workers.WorkersConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The worker families as /metrics serves them, and the landing page: a real worker's heartbeat (the fixture, published
 * every 500 ms) and an unacked hash that holds more than that worker can.
 */
class WorkerMetricsTest {

    private static final byte[] HEARTBEAT_CHANNEL = "/0.celeryev/worker.heartbeat".getBytes(StandardCharsets.UTF_8);

    @Test
    void servesWorkersPerGroupAndWhatTheyHoldPerQueue() throws Exception {
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            CeleryRedis celery = new CeleryRedis(client);
            celery.publish("evaluation", 0, 7);
            celery.declare("idle");
            double now = System.currentTimeMillis() / 1000.0;
            // the worker advertises 2 slots × prefetch 4 = 8; it cannot hold 11, and the oldest is an hour old
            celery.unacked("stale", CeleryRedis.unackedValue(celery.message("evaluation", "t", 0, null),
                    "evaluation"), now - 4000);
            for (int i = 0; i < 10; i++) {
                celery.unacked("tag" + i, CeleryRedis.unackedValue(celery.message("evaluation", "t", 0, null),
                        "evaluation"), now - i);
            }
            celery.unacked("eta", CeleryRedis.unackedValue(celery.message("evaluation", "t", 0,
                    "2099-01-01T00:00:00+00:00"), "evaluation"));
            byte[] heartbeat = Fixtures.celery("event-worker-heartbeat-pubsub.json");
            beats.scheduleAtFixedRate(() -> client.publish(HEARTBEAT_CHANNEL, heartbeat), 0, 500,
                    TimeUnit.MILLISECONDS);

            BrokerUrl url = BrokerUrl.parse(redis.url() + "/0");
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL,
                    List.of("evaluation", "idle"), Duration.ofMillis(200), Duration.ofSeconds(30))
                    .withWorkers(WorkersConfig.DEFAULT);
            try (Exporter exporter = Exporter.start(BrokerConnector.connect(new BrokerSettings(url, null,
                            TlsSettings.DEFAULT, Duration.ofSeconds(1))), url.redacted(), config,
                    new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
                String base = "http://127.0.0.1:" + exporter.address().getPort();
                Eventually.await(Duration.ofSeconds(20), "a whole heartbeat window", () -> Metrics.parse(
                        Http.get(base + "/metrics").body())
                        .value("celery_queue_held_attribution_info{queue_name=\"evaluation\",tier=\"capacity\"}")
                        .isPresent());
                Metrics m = Metrics.parse(Http.get(base + "/metrics").body());
                String group = "{worker_group=\"dispatcher\"}";
                assertEquals(1, m.value("celery_workers_online" + group).orElseThrow());
                assertEquals(2, m.value("celery_workers_slots" + group).orElseThrow());
                assertEquals(0, m.value("celery_workers_executing_tasks" + group).orElseThrow());
                assertEquals(0, m.value("celery_workers_tasks_started_total" + group).orElseThrow());
                assertEquals(0, m.value("celery_workers_departures_total{reason=\"heartbeat_missed\","
                        + "worker_group=\"dispatcher\"}").orElseThrow());
                String q = "queue_name=\"evaluation\"";
                assertEquals(11, m.value("celery_queue_reserved_tasks{" + q + "}").orElseThrow());
                assertEquals(1, m.value("celery_queue_scheduled_tasks{" + q + "}").orElseThrow());
                assertEquals(8, m.value("celery_queue_held_tasks{" + q + ",state=\"prefetched\"}").orElseThrow());
                assertEquals(0, m.value("celery_queue_held_tasks{" + q + ",state=\"running\"}").orElseThrow());
                assertEquals(3, m.value("celery_queue_held_tasks{" + q + ",state=\"orphaned\"}").orElseThrow(),
                        "11 held, 8 at most by the one worker: the 3 oldest at least are orphaned");
                double since = System.currentTimeMillis() / 1000.0 - now; // the ages have grown by at most this
                double orphanAge = m.value("celery_queue_held_oldest_age_seconds{" + q + ",state=\"orphaned\"}")
                        .orElseThrow();
                assertTrue(orphanAge >= 4000 && orphanAge <= 4000 + since, "oldest orphan: " + orphanAge);
                double prefetchedAge = m.value("celery_queue_held_oldest_age_seconds{" + q
                        + ",state=\"prefetched\"}").orElseThrow();
                assertTrue(prefetchedAge >= 7 && prefetchedAge <= 7 + since, "oldest prefetched: " + prefetchedAge);
                assertEquals(1, m.value("celery_queue_held_overdue_tasks{" + q + "}").orElseThrow());
                assertEquals(7 + 8, m.value("celery_queue_backlog{" + q + "}").orElseThrow(),
                        "the queue and the prefetched; not the orphans, not the ETA task");
                assertEquals(0, m.value("celery_queue_backlog{queue_name=\"idle\"}").orElseThrow());
                assertEquals((0 + 15) / 2.0, m.value("celery_queue_load{" + q + "}").orElseThrow(),
                        "(executing + backlog) / the worker's 2 slots, the same at every poll of the window");
                assertFalse(m.value("celery_queue_load{queue_name=\"idle\"}").isPresent(), "no worker consumes idle");
                assertEquals(1, m.value("celery_queue_held_attribution_info{queue_name=\"idle\",tier=\"certain\"}")
                        .orElseThrow(), "no live worker consumes idle");
                assertEquals(List.of(), m.series("celery_queue_held_tasks").stream()
                        .filter(series -> series.contains("\"idle\"")).toList(),
                        "nothing ever held of idle: no split series, as no by-priority series for unused steps");
                assertEquals(1, m.value("celery_exporter_worker_events_subscribed").orElseThrow());
                assertEquals(0, m.value("celery_exporter_malformed_events_total").orElseThrow());

                String page = Http.get(base + "/").body();
                assertTrue(page.contains("<h2>What the workers hold</h2>"), page);
                assertTrue(page.contains("<tr><td>evaluation</td><td>&le; 15</td><td>8</td><td>0</td><td>&ge; 3</td>"
                        + "<td>1</td><td>capacity</td></tr>"), page);
                assertTrue(page.contains("<tr><td>dispatcher</td><td>1</td><td>0</td><td>2</td><td>0</td></tr>"),
                        page);
            }
        } finally {
            beats.shutdownNow();
        }
    }

    @Test
    void withTheWorkerCollectorOffNoWorkerFamilyIsServed() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            new CeleryRedis(client).publish("evaluation", 0, 1);
            BrokerUrl url = BrokerUrl.parse(redis.url() + "/0");
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                    Duration.ofMillis(200), Duration.ofSeconds(30)).withWorkers(WorkersConfig.OFF);
            try (Exporter exporter = Exporter.start(BrokerConnector.connect(new BrokerSettings(url, null,
                            TlsSettings.DEFAULT, Duration.ofSeconds(1))), url.redacted(), config,
                    new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
                String base = "http://127.0.0.1:" + exporter.address().getPort();
                Eventually.await(Duration.ofSeconds(5), "first poll", () -> exporter.state().isReady());
                String body = Http.get(base + "/metrics").body();
                assertTrue(body.contains("celery_queue_length{queue_name=\"evaluation\"} 1"), body);
                List<String> samples = body.lines().filter(line -> !line.startsWith("#")).toList();
                for (String family : List.of("celery_workers_", "celery_queue_held_", "celery_queue_backlog",
                        "celery_exporter_worker_events_subscribed")) {
                    assertEquals(List.of(), samples.stream().filter(line -> line.startsWith(family)).toList());
                }
                assertEquals(0L, client.sendCommand(Protocol.Command.PUBSUB, "NUMPAT"), "and no subscription on the broker");
            }
        }
    }
}
