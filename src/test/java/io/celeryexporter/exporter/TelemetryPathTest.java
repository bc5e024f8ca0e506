package io.celeryexporter.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** {@code --web.telemetry-path}: the metrics move, the landing page follows, the probes stay. */
class TelemetryPathTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    @Test
    void metricsAreServedAtTheConfiguredPath() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("work", 0, 3);
        }
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofMillis(200), Duration.ofSeconds(30));
        try (Exporter exporter = Exporter.start(Brokers.connect(REDIS.url(), Duration.ofSeconds(2)), REDIS.url(),
                config, new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"),
                WebConfig.NONE.withTelemetryPath("/internal/metrics"), "test")) {
            Eventually.await(Duration.ofSeconds(10), "a poll", () -> exporter.state().isReady());
            String base = "http://127.0.0.1:" + exporter.address().getPort();
            var metrics = Http.get(base + "/internal/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("celery_queue_length{queue_name=\"work\"} 3"), metrics.body());
            assertEquals(404, Http.get(base + "/metrics").statusCode());
            assertTrue(Http.get(base + "/").body().contains("href=\"internal/metrics\""));
            assertEquals(200, Http.get(base + "/-/healthy").statusCode());
        }
    }

    @Test
    void aPathThatWouldHideTheLandingPageOrAProbeIsRefused() {
        for (String path : List.of("/", "metrics", "/-/metrics")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebConfig.NONE.withTelemetryPath(path));
            assertTrue(e.getMessage().startsWith("--web.telemetry-path must start with /"), e.getMessage());
        }
    }
}
