package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryPython;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exporter's figures equal what the real Celery client (python3-celery 5.2.6) put into Redis. */
class CeleryInteropTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static Map<String, QueueStats> poll(String prefix) {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(prefix), PrioritySteps.ALL, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (RedisBroker broker = Brokers.connect(REDIS.url() + "/0", Duration.ofSeconds(2))) {
            PollResult result = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system()).poll();
            return result.queues().stream().collect(Collectors.toMap(QueueStats::name, q -> q));
        }
    }

    /** kombu's own {@code Channel._size} per queue, as printed by publish.py. */
    private static Map<String, Long> publish(CeleryPython celery, String sendsJson) throws Exception {
        return parseCounts(celery.run("publish.py", sendsJson));
    }

    @Test
    void defaultAndNamedQueuesJsonPickleAndCountdown() throws Exception {
        try (CeleryPython celery = new CeleryPython(REDIS.url() + "/0", Map.of())) {
            Map<String, Long> kombu = publish(celery, """
                    [{"task": "demo.add", "args": [1, 1], "count": 3},
                     {"task": "demo.add", "args": [2, 2], "queue": "alpha", "count": 2},
                     {"task": "demo.add", "args": [3, 3], "queue": "beta", "serializer": "pickle", "count": 4},
                     {"task": "demo.add", "args": [4, 4], "queue": "later", "countdown": 3600, "count": 2}]""");
            assertEquals(Map.of("celery", 3L, "alpha", 2L, "beta", 4L, "later", 2L), kombu, "what Celery put there");
            Map<String, QueueStats> ours = poll("");
            assertEquals(kombu, lengths(ours));
        }
    }

    @Test
    void everyPriorityWithKombusDefaultSteps() throws Exception {
        try (CeleryPython celery = new CeleryPython(REDIS.url() + "/0", Map.of())) {
            publish(celery, priorities("prio", 0, 9));
            QueueStats prio = poll("").get("prio");
            // default steps [0,3,6,9]: 0-2 -> 0, 3-5 -> 3, 6-8 -> 6, 9 -> 9; one task per priority
            assertEquals(Map.of(0, 3L, 3, 3L, 6, 3L, 9, 1L), nonZero(prio));
            assertEquals(10, prio.length());
        }
    }

    @Test
    void everyPriorityWithCustomSteps() throws Exception {
        try (CeleryPython celery = new CeleryPython(REDIS.url() + "/0",
                Map.of("PRIORITY_STEPS", "0,1,2,3,4,5,6,7,8,9"))) {
            Map<String, Long> kombu = publish(celery, priorities("prio", 0, 9));
            QueueStats prio = poll("").get("prio");
            Map<Integer, Long> expected = new TreeMap<>();
            for (int p = 0; p <= 9; p++) {
                expected.put(p, 1L);
            }
            assertEquals(expected, nonZero(prio));
            assertEquals(kombu.get("prio"), prio.length());
        }
    }

    @Test
    void globalKeyPrefix() throws Exception {
        try (CeleryPython celery = new CeleryPython(REDIS.url() + "/0", Map.of("KEY_PREFIX", "pfx:"))) {
            Map<String, Long> kombu = publish(celery, """
                    [{"task": "demo.add", "queue": "alpha", "priority": 9, "count": 2},
                     {"task": "demo.add", "queue": "alpha", "count": 1}]""");
            Map<String, QueueStats> ours = poll("pfx:");
            assertEquals(kombu, lengths(ours));
            assertEquals(2, ours.get("alpha").lengthByPriority().get(9));
            assertEquals(Map.of(), lengths(poll("")), "without the prefix there is nothing");
        }
    }

    @Test
    void reservedAndScheduledMatchTheWorkersOwnView() throws Exception {
        try (CeleryPython celery = new CeleryPython(REDIS.url() + "/0", Map.of())) {
            int published = 9;
            publish(celery, """
                    [{"task": "demo.add", "args": [1, 2], "queue": "work", "countdown": 3600},
                     {"task": "demo.slow", "args": [1], "queue": "work", "count": 8}]""");
            celery.startWorker("work");
            // the worker runs one slow task, prefetches up to 4 more and holds the ETA task; then nothing moves
            Eventually.await(Duration.ofSeconds(60), "the worker to prefetch", () -> {
                QueueStats work = poll("").get("work");
                return work.reserved() + work.scheduled() > 1 && work.length() + work.reserved() + work.scheduled()
                        == published - 1;
            });
            // Compare at a moment when nothing moved: the same counts in Redis before and after the worker answered.
            // A message the worker fetched between our poll and its answer would otherwise be seen by one side only.
            AtomicReference<QueueStats> stable = new AtomicReference<>();
            AtomicReference<Map<String, Map<String, Long>>> seen = new AtomicReference<>();
            Eventually.await(Duration.ofSeconds(60), "a moment when nothing moves", () -> {
                QueueStats before = poll("").get("work");
                seen.set(workersView(celery));
                stable.set(poll("").get("work"));
                return before.length() == stable.get().length() && before.reserved() == stable.get().reserved()
                        && before.scheduled() == stable.get().scheduled();
            });
            QueueStats work = stable.get();
            Map<String, Map<String, Long>> view = seen.get();
            assertEquals(view.get("reserved").getOrDefault("work", 0L), work.reserved(), "reserved");
            assertEquals(view.get("scheduled").getOrDefault("work", 0L), work.scheduled(), "scheduled");
            assertEquals(1, work.scheduled(), "the countdown task is held by the worker");
            assertEquals(published - 1 - work.reserved() - work.scheduled(), work.length(),
                    "one task runs; the rest are queued");
        }
    }

    private static String priorities(String queue, int from, int to) {
        StringBuilder json = new StringBuilder("[");
        for (int p = from; p <= to; p++) {
            json.append(p == from ? "" : ",").append("{\"task\": \"demo.add\", \"queue\": \"").append(queue)
                    .append("\", \"priority\": ").append(p).append('}');
        }
        return json.append(']').toString();
    }

    private static Map<String, Long> lengths(Map<String, QueueStats> queues) {
        return queues.values().stream().collect(Collectors.toMap(QueueStats::name, QueueStats::length));
    }

    private static Map<Integer, Long> nonZero(QueueStats q) {
        return q.lengthByPriority().entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, Long> parseCounts(String json) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            return readCounts(p);
        }
    }

    private static Map<String, Long> readCounts(JsonParser p) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            counts.put(name, p.getLongValue());
        }
        return counts;
    }

    private static Map<String, Map<String, Long>> workersView(CeleryPython celery) {
        try {
            return parseView(celery.run("inspect_worker.py"));
        } catch (Exception e) {
            throw new IllegalStateException("inspect_worker.py: " + e.getMessage(), e);
        }
    }

    private static Map<String, Map<String, Long>> parseView(String json) throws Exception {
        Map<String, Map<String, Long>> view = new TreeMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String kind = p.currentName();
                p.nextToken();
                view.put(kind, readCounts(p));
            }
        }
        return view;
    }
}
