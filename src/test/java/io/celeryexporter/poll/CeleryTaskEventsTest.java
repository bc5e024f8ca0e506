package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryPython;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.QueueWait;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Celery task events as the source of the flows, on a broker without keyspace notifications: the real producer with
 * {@code task_send_sent_event} and the real worker with {@code -E}, as Flower and celery-exporter see tasks.
 */
class CeleryTaskEventsTest {

    private static final String QUEUE = "evented";

    @Test
    void sentAndReceivedEventsCountEveryTaskAndItsWait() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "");
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             BackgroundPolling polling = BackgroundPolling.of(broker, QUEUE);
             CeleryPython celery = new CeleryPython(server.url() + "/0",
                     Map.of("SEND_SENT_EVENT", "1", "RECORD_RECEIVED", "1"));
             RedisClient redis = server.client()) {
            celery.startWorker(QUEUE, "-E");
            int timed = 40;
            Map<String, Double> sendTimes = CeleryPython.sendTimes(celery.run("produce_timed.py", QUEUE, "" + timed, "20"));
            Eventually.await(Duration.ofSeconds(90), "the worker to take every task", () ->
                    polling.waiting().dequeued() >= timed && redis.hlen("interop:received") >= timed);
            QueueWait w = polling.waiting();
            assertEquals(timed, w.enqueued(), "a task-sent per task");
            assertEquals(timed, w.dequeued(), "a task-received per task");
            assertEquals(timed, w.waits().count());
            assertTrue(w.countsExact());
            assertEquals(FlowStatus.Source.CELERY_EVENTS, polling.counters.flows().source());
            double truthMean = CeleryPython.meanWait(sendTimes, redis.hgetAll("interop:received"));
            double mean = w.waits().sum() / w.waits().count();
            // the events pass through the broker after the LPUSH and after the worker's receipt: a few ms late each
            assertEquals(truthMean, mean, 0.05, "mean wait; truth " + truthMean);
        }
    }

    @Test
    void withoutTaskSentEventsTheCountsStayLowerBounds() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "");
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             BackgroundPolling polling = BackgroundPolling.of(broker, QUEUE);
             CeleryPython celery = new CeleryPython(server.url() + "/0", Map.of())) {
            celery.startWorker(QUEUE, "-E"); // workers send task-received, but the producer sends no task-sent
            celery.run("produce_timed.py", QUEUE, "20", "20");
            Eventually.await(Duration.ofSeconds(60), "the queue to drain", () -> polling.last.get().length() == 0);
            QueueWait w = polling.waiting();
            assertFalse(w.countsExact());
            assertEquals(FlowStatus.Source.SNAPSHOTS, polling.counters.flows().source());
            assertTrue(w.enqueued() <= 20, "snapshots: a lower bound, " + w.enqueued());
        }
    }

}
