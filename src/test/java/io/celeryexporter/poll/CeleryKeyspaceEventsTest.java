package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Keyspace notifications with the real Celery client and worker: every publish, every take, a reject with requeue
 * (an LPUSH back) and a kombu restore (an RPUSH back), with priorities, counted exactly.
 */
class CeleryKeyspaceEventsTest {

    private static final String QUEUE = "events";

    @Test
    void everyPublishTakeAndRequeueOfARealWorkerIsCounted() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El");
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             BackgroundPolling polling = BackgroundPolling.of(broker, QUEUE);
             CeleryPython celery = new CeleryPython(server.url() + "/0", Map.of("RECORD_RECEIVED", "1"));
             RedisClient redis = server.client()) {
            celery.startWorker(QUEUE);
            int timed = 40;
            Map<String, Double> sendTimes = CeleryPython.sendTimes(celery.run("produce_timed.py", QUEUE, "" + timed, "20"));
            Eventually.await(Duration.ofSeconds(90), "the worker to take every timed task", () ->
                    polling.waiting().dequeued() >= timed && redis.hlen("interop:received") >= timed);
            QueueWait w = polling.waiting();
            assertEquals(timed, w.enqueued());
            assertEquals(timed, w.dequeued(), "every BRPOP of the worker");
            assertEquals(timed, w.waits().count(), "a wait for every take");
            assertTrue(w.countsExact());
            // the truth runs from the producer's send to the worker's task_received, a moment after its BRPOP
            double truthMean = CeleryPython.meanWait(sendTimes, redis.hgetAll("interop:received"));
            double mean = w.waits().sum() / w.waits().count();
            assertEquals(truthMean, mean, 0.05, "mean wait; truth " + truthMean);

            int requeued = 3;
            celery.run("publish.py", "[{\"task\": \"demo.requeue_once\", \"queue\": \"" + QUEUE
                    + "\", \"priority\": 9, \"count\": " + requeued + "}]");
            long arrivals = timed + 2L * requeued; // each requeue_once is LPUSHed back once, by the worker
            Eventually.await(Duration.ofSeconds(60), "the requeued tasks to run", () ->
                    redis.keys("interop:rejected:*").size() == requeued && polling.waiting().dequeued() >= arrivals
                            && polling.last.get().length() == 0);
            Thread.sleep(500); // two more polls, so a count past the truth would show
            w = polling.waiting();
            assertEquals(arrivals, w.enqueued(), "publishes plus requeues, at priority 9");
            assertEquals(arrivals, w.dequeued());
            assertEquals(0, w.restored(), "a reject with requeue is an LPUSH, not a restore");
            assertEquals(arrivals, w.waits().count());
            assertTrue(w.countsExact());
        }
    }

    @Test
    void aKombuRestoreIsNotAnArrivalAndItsDeparturesAreCounted() throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", "El");
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             BackgroundPolling polling = BackgroundPolling.of(broker, QUEUE);
             CeleryPython celery = new CeleryPython(server.url() + "/0", Map.of())) {
            celery.run("publish.py", "[{\"task\": \"demo.add\", \"args\": [1, 2], \"queue\": \"" + QUEUE
                    + "\", \"count\": 5}]");
            assertEquals("3", celery.run("restore.py", QUEUE, "3"));
            Eventually.await(Duration.ofSeconds(30), "the restores to be seen", () ->
                    polling.waiting().restored() == 3 && polling.last.get().length() == 5);
            QueueWait w = polling.waiting();
            assertEquals(5, w.enqueued());
            assertEquals(3, w.dequeued(), "the three takes");
            assertEquals(3, w.restored(), "and the three restores");
            assertTrue(w.countsExact());
            assertTrue(w.ageIsLowerBound(), "a restored task's wait started before the exporter can tell");
        }
    }

}
