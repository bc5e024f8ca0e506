package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryPython;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Wait figures for a queue fed by the real Celery client and drained by a real worker, against the truth the test
 * records: when each task was sent (by the producer) and when the worker took it (Celery's task_received signal).
 */
class CeleryWaitTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String QUEUE = "timed";
    private static final long POLL_MILLIS = 500;
    private final MessageDecoder decoder = new MessageDecoder(List.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));

    /** One poll, and the ids that were in the queue right after it. */
    private record Sample(double takenAt, QueueWait waiting, List<String> queuedIds) {}

    private Poller poller(RedisBroker broker) {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(QUEUE),
                Duration.ofMillis(POLL_MILLIS), Duration.ofSeconds(30));
        return new Poller(broker, config, decoder, new PollCounters(), PollClock.system());
    }

    /** The broker under test; a subclass runs the same tests on another server. */
    String redisUrl() {
        return REDIS.url();
    }

    RedisClient client() {
        return REDIS.client();
    }

    private RedisBroker broker() {
        return Brokers.connect(redisUrl() + "/0", Duration.ofSeconds(2));
    }

    private Sample sample(Poller poller, RedisClient redis) throws Exception {
        PollResult result = poller.poll();
        List<String> ids = new ArrayList<>();
        for (byte[] raw : redis.lrange(QUEUE.getBytes(), 0, -1)) {
            ids.add(decoder.decode(raw).taskId());
        }
        return new Sample(result.takenAtEpochSeconds(), result.queues().get(0).waiting(), ids);
    }

    @Test
    void oldestAgeAverageWaitAndHistogramMatchTheTruth() throws Exception {
        int count = 60;
        List<Sample> samples = new ArrayList<>();
        try (CeleryPython celery = new CeleryPython(redisUrl() + "/0", Map.of("RECORD_RECEIVED", "1"));
             RedisBroker broker = broker();
             RedisClient redis = client()) {
            Poller poller = poller(broker);
            samples.add(sample(poller, redis)); // started before any task: nothing is a lower bound
            CompletableFuture<String> producer = celery.runInBackground("produce_timed.py", QUEUE,
                    String.valueOf(count), "20");
            while (!producer.isDone()) {
                Thread.sleep(POLL_MILLIS);
                samples.add(sample(poller, redis));
            }
            Map<String, Double> sent = CeleryPython.sendTimes(producer.get());
            celery.startWorker(QUEUE);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Sample last;
            do {
                Thread.sleep(POLL_MILLIS);
                last = sample(poller, redis);
                samples.add(last);
            } while ((last.waiting().dequeued() < count || !last.queuedIds().isEmpty()) && System.nanoTime() < deadline);
            Map<String, Double> received = new HashMap<>();
            redis.hgetAll("interop:received").forEach((id, t) -> received.put(id, Double.parseDouble(t)));

            double maxGap = 0;
            for (int i = 1; i < samples.size(); i++) {
                maxGap = Math.max(maxGap, samples.get(i).takenAt() - samples.get(i - 1).takenAt());
            }
            double tolerance = maxGap + 0.1; // one poll interval, plus the race between a poll and the test's read
            for (Sample s : samples) {
                if (s.queuedIds().isEmpty()) {
                    continue;
                }
                double oldest = s.queuedIds().stream().mapToDouble(id -> s.takenAt() - sent.get(id)).max()
                        .orElseThrow();
                double average = s.queuedIds().stream().mapToDouble(id -> s.takenAt() - sent.get(id)).average()
                        .orElseThrow();
                String at = "at " + s.takenAt() + " with " + s.queuedIds().size() + " queued";
                assertEquals(oldest, s.waiting().oldestAge(), tolerance, "oldest age " + at);
                assertEquals(average, s.waiting().averageWait(), tolerance, "average wait " + at);
                assertEquals(false, s.waiting().ageIsLowerBound(), at);
            }
            QueueWait end = last.waiting();
            assertEquals(count, end.enqueued(), "enqueued");
            assertEquals(count, end.dequeued(), "dequeued");
            assertEquals(count, end.waits().count(), "every wait observed");
            double truthMean = received.entrySet().stream().mapToDouble(e -> e.getValue() - sent.get(e.getKey()))
                    .average().orElseThrow();
            assertEquals(count, received.size(), "the worker took every task");
            assertEquals(truthMean, end.waits().sum() / end.waits().count(), tolerance, "mean time in queue");
            assertTrue(samples.stream().anyMatch(s -> s.waiting().oldestAge() > 1), "the queue did back up");
        }
    }

    @Test
    void aPublishTimeHeaderGivesTheExactOldestAge() throws Exception {
        try (CeleryPython celery = new CeleryPython(redisUrl() + "/0", Map.of());
             RedisBroker broker = broker();
             RedisClient redis = client()) {
            Map<String, Double> sent = CeleryPython.sendTimes(celery.run("produce_timed.py", QUEUE, "10", "50",
                    MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));
            Poller poller = poller(broker); // started after the tasks were queued: first-seen alone would be 0
            for (int i = 0; i < 3; i++) {
                Thread.sleep(200);
                Sample s = sample(poller, redis);
                double truth = s.takenAt() - s.queuedIds().stream().mapToDouble(sent::get).min().orElseThrow();
                assertEquals(truth, s.waiting().oldestAge(), 0.010, "within 10 ms of the truth");
                assertEquals(false, s.waiting().ageIsLowerBound(), "the header makes it exact");
            }
        }
    }

}
