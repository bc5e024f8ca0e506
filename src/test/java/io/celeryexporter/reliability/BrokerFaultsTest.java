package io.celeryexporter.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * A real redis-server that stalls or dies under a running exporter. Throughout, /metrics answers at once,
 * broker_up says the truth, stale queue figures are withheld, and the exporter recovers by itself.
 */
@SuppressWarnings("deprecation") // Jedis has no typed CLIENT PAUSE, CLIENT LIST or DEBUG on RedisClient
class BrokerFaultsTest {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes(StandardCharsets.US_ASCII);
    /** Generous: a scrape is served from memory in milliseconds; this only proves it never waits on Redis. */
    private static final Duration QUICK = Duration.ofSeconds(1);

    private RedisServer redis;
    private Exporter exporter;
    private String metricsUrl;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start("--enable-debug-command", "yes");
        try (RedisClient client = redis.client()) {
            new CeleryRedis(client).publish("q", 0, 3);
        }
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"), POLL,
                Duration.ofSeconds(30));
        exporter = Exporter.start(Brokers.connect(redis.url(), Duration.ofMillis(300)), redis.url(), config,
                new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test");
        metricsUrl = "http://127.0.0.1:" + exporter.address().getPort() + "/metrics";
        Eventually.await(Duration.ofSeconds(5), "first poll", () -> exporter.state().isReady());
    }

    @AfterEach
    void stop() {
        exporter.close();
        redis.close();
    }

    /** Scrapes once, failing if the answer took longer than {@link #QUICK}. */
    private Metrics scrapeQuickly() {
        long start = System.nanoTime();
        Metrics m = Metrics.parse(Http.get(metricsUrl).body());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(QUICK) < 0, "/metrics took " + took);
        return m;
    }

    /**
     * While the broker does not answer (8 s, so a loaded machine has room to see it): quick scrapes, broker_up 0,
     * queue series withheld once stale.
     */
    private void duringTheStall() {
        Eventually.await(Duration.ofSeconds(6), "broker_up 0",
                () -> scrapeQuickly().value("celery_exporter_broker_up").orElse(-1) == 0);
        Eventually.await(Duration.ofSeconds(6), "stale queue series withheld",
                () -> !scrapeQuickly().hasFamily("celery_queue_length"));
        assertEquals(503, Http.get(metricsUrl.replace("/metrics", "/-/ready")).statusCode());
    }

    private void recovers() {
        Eventually.await(Duration.ofSeconds(15), "recovery", () -> {
            Metrics m = scrapeQuickly();
            return m.value("celery_exporter_broker_up").orElse(0) == 1
                    && m.value("celery_queue_length{queue_name=\"q\"}").orElse(-1) == 3;
        });
    }

    @Test
    void pausedBroker() {
        try (RedisClient admin = redis.client()) {
            admin.sendCommand(Protocol.Command.CLIENT, "PAUSE", "8000", "ALL");
        }
        duringTheStall();
        recovers();
    }

    @Test
    void slowBroker() throws Exception {
        Thread sleeper = new Thread(() -> {
            try (RedisClient admin = RedisServerClients.slow(redis)) {
                admin.sendCommand(DEBUG, "SLEEP", "8");
            }
        });
        sleeper.start();
        duringTheStall();
        sleeper.join();
        recovers();
    }

    @Test
    void hundredOutagesLeakNoThreadsAndNoConnections() {
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 100; i++) {
            redis.kill();
            Eventually.await(Duration.ofSeconds(3), "outage " + i + " seen",
                    () -> !exporter.state().brokerUp());
            redis.restart();
            Eventually.await(Duration.ofSeconds(3), "recovery " + i, () -> exporter.state().isReady());
        }
        try (RedisClient client = redis.client()) {
            String clients = new String((byte[]) client.sendCommand(Protocol.Command.CLIENT, "LIST"),
                    StandardCharsets.UTF_8);
            long exporterConnections = clients.lines().filter(l -> l.contains("name=celery-queue-exporter")).count();
            assertTrue(exporterConnections <= 4, "connections: " + exporterConnections + "\n" + clients);
        }
        int threadsAfter = Thread.activeCount();
        assertTrue(threadsAfter <= threadsBefore + 2, "threads " + threadsBefore + " -> " + threadsAfter);
        assertFalse(scrapeQuickly().value("celery_exporter_poll_errors_total").orElse(0) < 100,
                "every outage was counted");
    }

    /** A client whose reads wait long enough for DEBUG SLEEP to finish. */
    private static final class RedisServerClients {
        static RedisClient slow(RedisServer server) {
            return server.client(Duration.ofSeconds(10));
        }
    }
}
