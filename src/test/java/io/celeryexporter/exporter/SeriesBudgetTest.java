package io.celeryexporter.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.web.ListenAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * What a queue costs in series: by-priority series only for the steps in use, switchable collectors, and queue
 * filters for the discovered queues.
 */
class SeriesBudgetTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static Metrics scrape(ExporterConfig config) throws Exception {
        try (Exporter exporter = Exporter.start(Brokers.connect(REDIS.url(), Duration.ofSeconds(2)), REDIS.url(),
                config, new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
            Eventually.await(Duration.ofSeconds(10), "a poll", () -> exporter.state().isReady());
            return Metrics.parse(Http.get("http://127.0.0.1:" + exporter.address().getPort() + "/metrics").body());
        }
    }

    private static ExporterConfig config(ExporterConfig.QueueFilter filter, ExporterConfig.Collectors collectors) {
        return new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(), Duration.ofMillis(200),
                Duration.ofSeconds(30), ExporterConfig.TaskBreakdownConfig.OFF, filter, collectors);
    }

    @Test
    void byPrioritySeriesOnlyForTheStepsInUse() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.ALL);
            celery.publish("work", 0, 2);
            celery.publish("work", 7, 3);
            celery.declare("idle");
        }
        Metrics m = scrape(config(ExporterConfig.QueueFilter.ALL, ExporterConfig.Collectors.DEFAULT));
        assertEquals(2, m.value("celery_queue_length_by_priority{priority=\"0\",queue_name=\"work\"}").orElseThrow());
        assertEquals(3, m.value("celery_queue_length_by_priority{priority=\"7\",queue_name=\"work\"}").orElseThrow());
        assertEquals(0, m.value("celery_queue_length_by_priority{priority=\"0\",queue_name=\"idle\"}").orElseThrow(),
                "the first step always has a series");
        assertEquals(3, m.series("celery_queue_length_by_priority").size(), "not 10 steps x 2 queues");
        assertEquals(5, m.value("celery_queue_length{queue_name=\"work\"}").orElseThrow(), "the total counts all");
        assertTrue(m.hasFamily("celery_queue_wait_seconds_count"));
        assertTrue(m.hasFamily("jvm_memory_used_bytes"));
    }

    @Test
    void collectorsCanBeSwitchedOff() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("work", 0, 2);
        }
        Metrics m = scrape(config(ExporterConfig.QueueFilter.ALL, new ExporterConfig.Collectors(false, false, false)));
        assertFalse(m.hasFamily("celery_queue_wait_seconds_count"));
        assertFalse(m.hasFamily("celery_queue_length_by_priority"));
        assertFalse(m.hasFamily("jvm_memory_used_bytes"));
        assertFalse(m.hasFamily("process_cpu_seconds_total"));
        assertEquals(2, m.value("celery_queue_length{queue_name=\"work\"}").orElseThrow());
    }

    @Test
    void includeAndExcludeFilterTheDiscoveredQueues() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            for (String q : List.of("tenant-1", "tenant-2", "tenant-test", "billing")) {
                celery.publish(q, 0, 1);
            }
        }
        Metrics m = scrape(config(new ExporterConfig.QueueFilter(Pattern.compile("tenant-.*"),
                Pattern.compile(".*-test")), ExporterConfig.Collectors.DEFAULT));
        assertEquals(List.of("celery_queue_length{queue_name=\"tenant-1\"}",
                "celery_queue_length{queue_name=\"tenant-2\"}"), m.series("celery_queue_length"));
    }
}
