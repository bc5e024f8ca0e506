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
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.testing.HealthyTraffic;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Arrivals, departures and waits at the normal operating point, where workers keep up and the queue is empty at
 * nearly every poll, on a real Redis with keyspace notifications on and off. The truth is what the traffic itself
 * logged.
 */
class KeyspaceEventsTest {

    private static final String QUEUE = "healthy";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RUN = Duration.ofSeconds(8);

    /**
     * What the exporter reported after the traffic drained and what it saw on the way, with the truth the traffic
     * logged.
     */
    private record Outcome(QueueWait waiting, long maxLength, boolean exactThroughout, FlowStatus.Source source,
                           FlowStatus flows,
                           long published, long consumed, double meanWait) {}

    private static Outcome run(RedisServer server, KeyNaming naming, PrioritySteps steps, List<Integer> priorities,
                               Runnable midway) throws Exception {
        ExporterConfig config = new ExporterConfig(naming, steps, List.of(QUEUE), POLL, Duration.ofSeconds(30),
                ExporterConfig.TaskBreakdownConfig.OFF).withFlows(ExporterConfig.Flows.AUTO);
        PollCounters counters = new PollCounters();
        try (RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), counters, PollClock.system());
             HealthyTraffic traffic = new HealthyTraffic(server.url(), QUEUE, naming, steps, priorities)) {
            poller.poll(); // subscribes, and reads the empty queue
            traffic.start(100, 150);
            long maxLength = 0;
            boolean exactThroughout = true;
            long end = System.nanoTime() + RUN.toNanos();
            boolean midwayDone = false;
            while (System.nanoTime() < end) {
                Thread.sleep(POLL.toMillis()); // the exporter's own cadence, not a wait for a condition
                PollResult result = poller.poll();
                maxLength = Math.max(maxLength, result.queues().get(0).length());
                exactThroughout &= result.queues().get(0).waiting().countsExact();
                if (!midwayDone && System.nanoTime() > end - RUN.toNanos() / 2) {
                    midway.run();
                    midwayDone = true;
                }
            }
            traffic.stopAndDrain();
            QueueWait last = poller.poll().queues().get(0).waiting();
            last = poller.poll().queues().get(0).waiting(); // one full interval after the last pop
            return new Outcome(last, maxLength, exactThroughout, counters.flows().source(), counters.flows(),
                    traffic.published(),
                    traffic.consumed(), traffic.meanWait());
        }
    }

    private static void assertWithinOnePercent(long truth, long counted, String what) {
        assertTrue(Math.abs(truth - counted) <= Math.max(1, truth / 100),
                what + ": counted " + counted + " of " + truth);
    }

    @Test
    void withNotificationsOnEveryTaskIsCountedAndEveryWaitIsExact() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El")) {
            Outcome o = run(server, KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT, List.of(0, 3, 9), () -> {});
            assertTrue(o.published() >= 700, "traffic ran: " + o.published());
            assertEquals(o.published(), o.consumed(), "the workers kept up and drained the queue");
            assertTrue(o.maxLength() <= 10, "a healthy queue: at most " + o.maxLength() + " waiting at a poll");
            assertWithinOnePercent(o.published(), o.waiting().enqueued(), "enqueued");
            assertWithinOnePercent(o.consumed(), o.waiting().dequeued(), "dequeued");
            assertWithinOnePercent(o.consumed(), o.waiting().waits().count(), "histogram count");
            double mean = o.waiting().waits().sum() / o.waiting().waits().count();
            assertEquals(o.meanWait(), mean, 0.005, "mean wait, truth " + o.meanWait());
            assertTrue(o.exactThroughout(), "counts_exact stayed 1");
            assertTrue(o.waiting().countsExact());
            assertEquals(FlowStatus.Source.KEYSPACE_EVENTS, o.source());
            assertEquals(0, o.flows().mismatches());
            assertEquals(0, o.flows().subscriptionsLost());
        }
    }

    @Test
    void withNotificationsOffTheCountsAreLowerBoundsAndSaySo() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "")) {
            Outcome o = run(server, KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT, List.of(0), () -> {});
            assertFalse(o.waiting().countsExact());
            assertEquals(FlowStatus.Source.SNAPSHOTS, o.source());
            assertTrue(o.waiting().enqueued() <= o.published());
            assertTrue(o.waiting().enqueued() < o.published() / 2,
                    "snapshots miss most of a healthy queue's flow: " + o.waiting().enqueued() + " of "
                            + o.published());
        }
    }

    @Test
    void aDroppedSubscriptionIsReconciledAndCounted() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El");
             RedisClient admin = server.client()) {
            Outcome o = run(server, KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT, List.of(0, 9),
                    () -> admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub"));
            assertEquals(1, o.flows().subscriptionsLost());
            assertWithinOnePercent(o.published(), o.waiting().enqueued(), "enqueued");
            assertWithinOnePercent(o.consumed(), o.waiting().dequeued(), "dequeued");
                        assertTrue(o.waiting().countsExact(), "exact again after the reconnect");
            assertFalse(o.exactThroughout(), "the interval with the gap was reported as not exact");
        }
    }

    @Test
    void keyspaceChannelsAndAGlobalKeyPrefixWork() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "Kl")) {
            Outcome o = run(server, KeyNaming.withPrefix("pfx*:"), PrioritySteps.KOMBU_DEFAULT, List.of(0, 6),
                    () -> {});
            assertWithinOnePercent(o.published(), o.waiting().enqueued(), "enqueued");
            assertWithinOnePercent(o.consumed(), o.waiting().dequeued(), "dequeued");
            assertTrue(o.waiting().countsExact());
        }
    }

    @Test
    void theServedSeriesAndTheLandingPageSayTheCountsAreExact() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El");
             RedisClient redis = server.client()) {
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT,
                    List.of(QUEUE), Duration.ofMillis(200), Duration.ofSeconds(30),
                    ExporterConfig.TaskBreakdownConfig.OFF).withFlows(ExporterConfig.Flows.AUTO);
            try (Exporter exporter = Exporter.start(Brokers.connect(server.url(), Duration.ofSeconds(2)),
                    server.url(), config, new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), "test")) {
                String base = "http://127.0.0.1:" + exporter.address().getPort();
                Eventually.await(Duration.ofSeconds(10), "a first poll", () -> exporter.state().isReady());
                byte[] task = Fixtures.celery("v2-json-default.json");
                for (int i = 0; i < 5; i++) {
                    redis.lpush(QUEUE.getBytes(), task);
                    redis.rpop(QUEUE.getBytes()); // gone long before the next poll
                }
                Eventually.await(Duration.ofSeconds(10), "the five tasks to be counted", () -> {
                    Metrics m = Metrics.parse(Http.get(base + "/metrics").body());
                    return m.value("celery_queue_dequeued_total{queue_name=\"" + QUEUE + "\"}").orElse(0.0) == 5
                            && m.value("celery_queue_counts_exact{queue_name=\"" + QUEUE + "\"}").orElse(0.0) == 1;
                });
                Metrics m = Metrics.parse(Http.get(base + "/metrics").body());
                assertEquals(5, m.value("celery_queue_enqueued_total{queue_name=\"" + QUEUE + "\"}").orElseThrow());
                assertEquals(5, m.value("celery_queue_wait_seconds_count{queue_name=\"" + QUEUE + "\"}")
                        .orElseThrow());
                assertEquals(1, m.value("celery_exporter_flow_source_info{source=\"keyspace-events\"}").orElseThrow());
                assertEquals(10, m.value("celery_exporter_keyspace_events_total").orElseThrow());
                assertEquals(0, m.value("celery_exporter_event_gaps_total{reason=\"mismatch\"}").orElseThrow());
                assertTrue(Http.get(base + "/").body().contains("counted exactly"));
            }
        }
    }

    @Test
    void aChangeTheEventsDoNotExplainIsReconciledWithTheSnapshotOnce() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El");
             RedisClient redis = server.client();
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2))) {
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT,
                    List.of(QUEUE), POLL, Duration.ofSeconds(30), ExporterConfig.TaskBreakdownConfig.OFF)
                    .withFlows(ExporterConfig.Flows.AUTO);
            PollCounters counters = new PollCounters();
            try (Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), counters,
                    PollClock.system())) {
                poller.poll();
                byte[] task = Fixtures.celery("v2-json-default.json");
                redis.lpush(QUEUE.getBytes(), task, task, task); // three tasks, one lpush event
                QueueWait w = poller.poll().queues().get(0).waiting();
                assertEquals(3, w.enqueued(), "one from the event, two from the snapshot");
                assertFalse(w.countsExact(), "this interval's count was mended");
                assertEquals(1, counters.flows().mismatches());
                redis.rpop(QUEUE.getBytes());
                w = poller.poll().queues().get(0).waiting();
                assertEquals(3, w.enqueued());
                assertEquals(1, w.dequeued());
                assertTrue(w.countsExact(), "exact again once the events explain the list");
                assertEquals(1, counters.flows().mismatches(), "counted once");
                redis.del(QUEUE); // a purge: Redis announces no list event for it
                w = poller.poll().queues().get(0).waiting();
                assertEquals(3, w.dequeued(), "the purged tasks left");
                assertEquals(2, counters.flows().mismatches());
            }
        }
    }
}
