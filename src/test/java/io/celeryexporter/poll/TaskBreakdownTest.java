package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.TaskNames;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/** {@code --task-breakdown}: exact per-task-name counts, checked against the list's real content. */
class TaskBreakdownTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String QUEUE = "q";
    private static final List<String> NAMES = List.of("tasks.a", "tasks.b", "tasks.c", "tasks.d", "tasks.e");
    private static final byte[] GARBAGE = {(byte) 0x80, 0x04, 0x4b};

    private static Poller poller(RedisBroker broker, int maxNames, int pagesPerPoll) {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.parse("0"),
                List.of(QUEUE), Duration.ofSeconds(1), Duration.ofSeconds(30),
                new ExporterConfig.TaskBreakdownConfig(true, maxNames, pagesPerPoll));
        return new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system());
    }

    private static RedisBroker broker() {
        return Brokers.connect(REDIS.url(), Duration.ofSeconds(5));
    }

    /** The truth, read by the test from the whole list. */
    private static Map<String, Long> truth(RedisClient redis, int maxNames) {
        MessageDecoder decoder = new MessageDecoder(List.of());
        TaskNames capped = new TaskNames(maxNames);
        Map<String, Long> counts = new TreeMap<>();
        for (byte[] raw : redis.lrange(QUEUE.getBytes(), 0, -1)) {
            String name;
            try {
                name = decoder.decode(raw).taskName();
            } catch (Exception e) {
                name = TaskNames.UNKNOWN;
            }
            counts.merge(capped.nameOf(capped.idOf(name)), 1L, Long::sum);
        }
        return counts;
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 15);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void countsStayExactThroughRandomInterleavings(long seed) {
        Random random = new Random(seed);
        try (RedisClient redis = REDIS.client(); RedisBroker broker = broker()) {
            CeleryRedis celery = new CeleryRedis(redis);
            Deque<byte[]> taken = new ArrayDeque<>();
            for (int i = 0; i < 2500 + random.nextInt(1000); i++) { // deeper than a few pages: built over polls
                redis.lpush(QUEUE.getBytes(), celery.message(QUEUE, NAMES.get(random.nextInt(3)), 0, null));
            }
            Poller poller = poller(broker, 10, 1);
            int readyPolls = 0;
            for (int round = 0; round < 40; round++) {
                boolean quiet = round >= 30; // let the counts settle at the end
                for (int op = 0; op < (quiet ? 0 : random.nextInt(4)); op++) {
                    switch (random.nextInt(8)) {
                        case 0, 1, 2 -> {
                            for (int i = 0; i < 1 + random.nextInt(40); i++) {
                                byte[] m = random.nextInt(50) == 0 ? GARBAGE
                                        : celery.message(QUEUE, NAMES.get(random.nextInt(NAMES.size())), 0, null);
                                redis.lpush(QUEUE.getBytes(), m);
                            }
                        }
                        case 3, 4 -> {
                            for (int i = 0; i < 1 + random.nextInt(60); i++) {
                                byte[] m = redis.rpop(QUEUE.getBytes());
                                if (m != null) {
                                    taken.push(m);
                                }
                            }
                        }
                        case 5 -> { // kombu restore: re-serialised, redelivered, back at the consuming end
                            for (int i = 0; i < 1 + random.nextInt(3) && !taken.isEmpty(); i++) {
                                taken.pop();
                                redis.rpush(QUEUE.getBytes(), celery.redelivered(QUEUE, NAMES.get(4)));
                            }
                        }
                        case 6 -> { // reject(requeue=True)
                            if (!taken.isEmpty()) {
                                redis.lpush(QUEUE.getBytes(), taken.pop());
                            }
                        }
                        default -> { // drained, then refilled
                            redis.del(QUEUE);
                            for (int i = 0; i < random.nextInt(30); i++) {
                                redis.lpush(QUEUE.getBytes(), celery.message(QUEUE, NAMES.get(3), 0, null));
                            }
                        }
                    }
                }
                QueueStats stats = poller.poll().queues().get(0);
                Map<String, Long> expected = truth(redis, 10);
                if (!stats.tasksByName().isEmpty() || stats.length() == 0) {
                    readyPolls++;
                    assertEquals(expected, stats.tasksByName(), "seed " + seed + " round " + round);
                }
            }
            assertTrue(readyPolls >= 5, "the counts were complete for " + readyPolls + " polls only");
        }
    }

    @Test
    void countsAreExactAfterProducersAndWorkersRanDuringTheScan() throws Exception {
        try (RedisClient redis = REDIS.client(); RedisBroker broker = broker()) {
            CeleryRedis celery = new CeleryRedis(redis);
            for (int i = 0; i < 8000; i++) {
                redis.lpush(QUEUE.getBytes(), celery.message(QUEUE, NAMES.get(i % 2), 0, null));
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = new Thread(() -> {
                try (RedisClient writer = REDIS.client()) {
                    CeleryRedis producer = new CeleryRedis(writer);
                    Random random = new Random(7);
                    while (!stop.get()) {
                        writer.lpush(QUEUE.getBytes(), producer.message(QUEUE, NAMES.get(2 + random.nextInt(3)), 0,
                                null));
                        if (random.nextBoolean()) {
                            writer.rpop(QUEUE.getBytes());
                        }
                    }
                }
            });
            traffic.start();
            Poller poller = poller(broker, 10, 2);
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
                poller.poll();
                Thread.sleep(20);
            }
            stop.set(true);
            traffic.join();
            QueueStats stats = null;
            for (int i = 0; i < 20 && (stats == null || stats.tasksByName().isEmpty()); i++) {
                stats = poller.poll().queues().get(0);
            }
            assertEquals(truth(redis, 10), stats.tasksByName());
            stats = poller.poll().queues().get(0);
            assertEquals(truth(redis, 10), stats.tasksByName());
        }
    }

    @Test
    void taskNamesPastTheCapCountAsOther() {
        try (RedisClient redis = REDIS.client(); RedisBroker broker = broker()) {
            CeleryRedis celery = new CeleryRedis(redis);
            for (int i = 0; i < 50; i++) {
                redis.lpush(QUEUE.getBytes(), celery.message(QUEUE, "tasks.bug-" + i, 0, null));
            }
            QueueStats stats = poller(broker, 3, 10).poll().queues().get(0);
            assertEquals(4, stats.tasksByName().size(), stats.tasksByName().toString());
            assertEquals(47L, stats.tasksByName().get(TaskNames.OTHER));
        }
    }
}
