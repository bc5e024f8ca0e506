package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.web.ListenAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** A broker whose LPOS is renamed away: depth and arrivals stay exact, and the exporter says how it finds them. */
class WithoutLposTest {

    private static RedisServer server;
    private static final String QUEUE = "q";

    @BeforeAll
    static void start() {
        server = RedisServer.start("--rename-command", "LPOS", "");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() {
        try (RedisClient redis = server.client()) {
            redis.flushAll();
        }
    }

    private static ExporterConfig config(boolean breakdown) {
        return new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.parse("0"), List.of(QUEUE),
                Duration.ofMillis(200), Duration.ofSeconds(30),
                new ExporterConfig.TaskBreakdownConfig(breakdown, 10, 10));
    }

    @Test
    void arrivalsAndDeparturesStayExactWithBurstsLargerThanTheWindow() {
        try (RedisClient redis = server.client();
             RedisBroker broker = Brokers.connect(server.url(), Duration.ofSeconds(5))) {
            assertFalse(broker.hasLpos());
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish(QUEUE, 0, 20);
            Poller poller = new Poller(broker, config(false), new MessageDecoder(List.of()), new PollCounters(),
                    PollClock.system());
            assertEquals(PollResult.ArrivalSearch.LRANGE, poller.poll().arrivalSearch()); // first look: 20 queued
            long length = 20;
            long pushed = 0;
            long popped = 0;
            // small, growing and shrinking bursts: the window follows the arrivals, and past it the reads grow
            for (int burst : new int[] {3, 5, 40, 2, 1500, 7, 0, 4000, 12}) {
                celery.publish(QUEUE, 0, burst);
                pushed += burst;
                long pops = Math.min(burst / 3, length - 1); // workers take queued tasks, never the whole list
                for (int i = 0; i < pops; i++) {
                    redis.rpop(QUEUE.getBytes());
                }
                popped += pops;
                length += burst - pops;
                QueueWait w = poller.poll().queues().get(0).waiting();
                assertEquals(pushed, w.enqueued(), "after a burst of " + burst);
                assertEquals(popped, w.dequeued(), "after a burst of " + burst);
            }
        }
    }

    @Test
    void theExporterSaysHowItFindsArrivalsAndKeepsTheBreakdownOff() throws Exception {
        try (RedisClient redis = server.client()) {
            new CeleryRedis(redis).publish(QUEUE, 0, 3);
        }
        try (Exporter exporter = Exporter.start(Brokers.connect(server.url(), Duration.ofSeconds(2)), server.url(),
                config(true), new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
            Eventually.await(Duration.ofSeconds(10), "a poll", () -> exporter.state().isReady());
            String url = "http://127.0.0.1:" + exporter.address().getPort() + "/metrics";
            Metrics m = Metrics.parse(Http.get(url).body());
            assertEquals(3, m.value("celery_queue_length{queue_name=\"q\"}").orElseThrow());
            assertEquals(1, m.value("celery_exporter_arrival_search_info{method=\"lrange\"}").orElseThrow());
            assertTrue(m.value("celery_exporter_broker_up").orElseThrow() == 1);
            assertFalse(m.hasFamily("celery_queue_tasks"), "--task-breakdown needs LPOS: off, not wrong");
        }
    }
}
