package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.ManualClock;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.QueueWait;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/**
 * Random interleavings of what producers, workers and kombu do to a queue's lists, against a real Redis, with every
 * published figure compared with the truth this test computes from its own log.
 *
 * <p>Tolerance, as documented: with first-seen tracking every age is late by less than one poll interval, and never
 * early. Where the truth involves a task whose wait the exporter cannot know (queued before it started, or restored
 * by kombu), the figure must be a lower bound instead.
 */
class WaitTrackingPropertyTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String QUEUE = "q";
    private static final int[] STEPS = {0, 3, 6, 9};
    private static final double INTERVAL = 1.0;
    private static final double EPS = 1e-6;

    /** One queued task as the test knows it. {@code known}: the exporter can know its wait. */
    private record Task(byte[] bytes, double since, boolean known, int step) {}

    /** What the test did between two polls. */
    private static final class Round {
        long arrived;
        long departed;
        long knownDepartures;
        double knownWaitSum;
        boolean unknownTaken;
        boolean restored;
        final boolean[] poppedFrom = new boolean[STEPS.length];

        void departed(Task t, double now) {
            poppedFrom[t.step()] = true;
            departed++;
            if (t.known()) {
                knownDepartures++;
                knownWaitSum += now - t.since();
            } else {
                unknownTaken = true;
            }
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyFigureStaysWithinOnePollIntervalOfTheTruth(long seed) {
        Random random = new Random(seed);
        ManualClock clock = new ManualClock(1_800_000_000_000L);
        List<Deque<Task>> lists = new ArrayList<>();
        for (int s = 0; s < STEPS.length; s++) {
            lists.add(new ArrayDeque<>()); // first = oldest (index -1), last = newest (index 0)
        }
        List<Task> taken = new ArrayList<>();
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(QUEUE),
                Duration.ofSeconds(1), Duration.ofSeconds(30));

        try (RedisClient redis = REDIS.client();
             RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(5))) {
            CeleryRedis celery = new CeleryRedis(redis);
            KeyNaming naming = KeyNaming.withPrefix("");
            Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), clock);
            boolean firstPoll = true;
            Task[] newestAtLastPoll = new Task[STEPS.length];
            long expectedEnqueued = 0;
            long expectedDequeued = 0;
            long expectedObserved = 0;
            double expectedWaitSum = 0;

            for (int round = 0; round < 30; round++) {
                double start = clock.seconds();
                Round r = new Round();
                int ops = random.nextInt(4);
                for (int op = 0; op < ops; op++) {
                    clock.set(start + (op + 1) * INTERVAL / (ops + 2));
                    double now = clock.seconds();
                    switch (random.nextInt(10)) {
                        case 0, 1, 2 -> { // a producer burst, sometimes past the LPOS search limit
                            int n = random.nextInt(10) == 0 ? 1100 : 1 + random.nextInt(30);
                            int s = random.nextInt(STEPS.length);
                            for (int i = 0; i < n; i++) {
                                Task t = new Task(celery.message(QUEUE, "t", STEPS[s], null), now, true, s);
                                redis.lpush(naming.listKey(QUEUE, STEPS[s]), t.bytes());
                                lists.get(s).addLast(t);
                            }
                            r.arrived += n;
                        }
                        case 3, 4, 5 -> { // workers: BRPOP, step 0 first
                            int n = 1 + random.nextInt(40);
                            for (int i = 0; i < n; i++) {
                                Task t = popNext(redis, naming, lists);
                                if (t == null) {
                                    break;
                                }
                                taken.add(t);
                                r.departed(t, now);
                            }
                        }
                        case 6 -> { // kombu restore: RPUSH back to the consuming end, re-serialised
                            for (int i = 0; i < 1 + random.nextInt(3) && !taken.isEmpty(); i++) {
                                Task old = taken.remove(random.nextInt(taken.size()));
                                Task back = new Task(celery.message(QUEUE, "t", STEPS[old.step()], null),
                                        old.since(), false, old.step());
                                redis.rpush(naming.listKey(QUEUE, STEPS[old.step()]), back.bytes());
                                lists.get(old.step()).addFirst(back);
                                r.restored = true;
                            }
                        }
                        case 7 -> { // reject(requeue=True): LPUSH, documented as a new arrival
                            for (int i = 0; i < 1 + random.nextInt(3) && !taken.isEmpty(); i++) {
                                Task old = taken.remove(random.nextInt(taken.size()));
                                Task again = new Task(celery.message(QUEUE, "t", STEPS[old.step()], null), now,
                                        true, old.step());
                                redis.lpush(naming.listKey(QUEUE, STEPS[old.step()]), again.bytes());
                                lists.get(old.step()).addLast(again);
                                r.arrived++;
                            }
                        }
                        case 8 -> { // drained and refilled between two polls
                            for (Task t; (t = popNext(redis, naming, lists)) != null; ) {
                                r.departed(t, now);
                            }
                            int n = 1 + random.nextInt(20);
                            for (int i = 0; i < n; i++) {
                                Task t = new Task(celery.message(QUEUE, "t", 0, null), now, true, 0);
                                redis.lpush(naming.listKey(QUEUE, 0), t.bytes());
                                lists.get(0).addLast(t);
                            }
                            r.arrived += n;
                        }
                        default -> { // the exporter restarts: everything queued becomes unknown
                            poller = new Poller(broker, config, new MessageDecoder(List.of()),
                                    new PollCounters(), clock);
                            firstPoll = true;
                            r = new Round();
                        }
                    }
                }
                clock.set(start + INTERVAL);
                double now = clock.seconds();
                QueueStats stats = poller.poll().queues().get(0);
                if (firstPoll) { // the exporter's first look: it cannot know how long these have waited
                    for (Deque<Task> list : lists) {
                        List<Task> copy = new ArrayList<>(list);
                        list.clear();
                        copy.forEach(t -> list.addLast(new Task(t.bytes(), t.since(), false, t.step())));
                    }
                }
                QueueWait w = stats.waiting();
                String context = "seed " + seed + " round " + round;

                long length = lists.stream().mapToLong(Deque::size).sum();
                assertEquals(length, stats.length(), context + ": length");
                for (int s = 0; s < STEPS.length; s++) {
                    assertEquals(lists.get(s).size(), stats.lengthByPriority().get(STEPS[s]), context);
                }

                boolean allKnown = lists.stream().flatMap(Deque::stream).allMatch(Task::known);
                double truthOldest = lists.stream().filter(l -> !l.isEmpty())
                        .mapToDouble(l -> now - l.peekFirst().since()).max().orElse(0);
                double truthAverage = length == 0 ? 0
                        : lists.stream().flatMap(Deque::stream).mapToDouble(t -> now - t.since()).sum() / length;
                assertTrue(w.oldestAge() <= truthOldest + EPS, context + ": oldest " + w.oldestAge() + " > truth "
                        + truthOldest);
                assertTrue(w.averageWait() <= truthAverage + EPS, context + ": average " + w.averageWait()
                        + " > truth " + truthAverage);
                if (allKnown) {
                    assertTrue(w.oldestAge() > truthOldest - INTERVAL, context + ": oldest " + w.oldestAge()
                            + " vs truth " + truthOldest);
                    assertTrue(w.averageWait() > truthAverage - INTERVAL, context + ": average " + w.averageWait()
                            + " vs truth " + truthAverage);
                    assertEquals(false, w.ageIsLowerBound(), context);
                }

                // Arrivals are counted from where the previous poll's newest element now stands. A list drained past
                // it (or empty then) hides the tasks that arrived and left in between: counts are lower bounds then.
                boolean countsExact = true;
                for (int s = 0; s < STEPS.length; s++) {
                    Task marker = newestAtLastPoll[s];
                    boolean markerStays = marker != null && lists.get(s).contains(marker);
                    countsExact &= !r.poppedFrom[s] || markerStays;
                    newestAtLastPoll[s] = lists.get(s).peekLast();
                }
                if (!firstPoll && !r.restored && !countsExact) {
                    assertTrue(w.enqueued() - expectedEnqueued <= r.arrived, context + ": enqueued is a lower bound");
                    assertTrue(w.dequeued() - expectedDequeued <= r.departed, context + ": dequeued is a lower bound");
                }
                if (firstPoll) {
                    firstPoll = false;
                    expectedEnqueued = w.enqueued();
                    expectedDequeued = w.dequeued();
                    expectedObserved = w.waits().count();
                    expectedWaitSum = w.waits().sum();
                    assertEquals(0, w.enqueued(), context + ": nothing counted at the first look");
                } else if (r.restored || r.unknownTaken || !countsExact) {
                    expectedEnqueued = w.enqueued();
                    expectedDequeued = w.dequeued();
                    expectedObserved = w.waits().count();
                    expectedWaitSum = w.waits().sum();
                } else {
                    expectedEnqueued += r.arrived;
                    expectedDequeued += r.departed;
                    expectedObserved += r.knownDepartures;
                    assertEquals(expectedEnqueued, w.enqueued(), context + ": enqueued");
                    assertEquals(expectedDequeued, w.dequeued(), context + ": dequeued");
                    assertEquals(expectedObserved, w.waits().count(), context + ": observed waits");
                    double observedSum = w.waits().sum() - expectedWaitSum;
                    assertTrue(Math.abs(observedSum - r.knownWaitSum) <= r.knownDepartures * INTERVAL + EPS,
                            context + ": wait sum " + observedSum + " vs truth " + r.knownWaitSum);
                    expectedWaitSum = w.waits().sum();
                }
            }
        }
    }

    private static Task popNext(RedisClient redis, KeyNaming naming, List<Deque<Task>> lists) {
        for (int s = 0; s < STEPS.length; s++) {
            if (!lists.get(s).isEmpty()) {
                byte[] popped = redis.rpop(naming.listKey(QUEUE, STEPS[s]));
                Task expected = lists.get(s).pollFirst();
                assertTrue(java.util.Arrays.equals(expected.bytes(), popped), "the model follows Redis");
                return expected;
            }
        }
        return null;
    }
}
