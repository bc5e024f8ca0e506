package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.broker.ListReading;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.ListTracker;
import io.celeryexporter.tracking.PollTime;
import io.celeryexporter.tracking.TaskNameRuns;
import io.celeryexporter.tracking.TaskNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Pushes that land between a poll's snapshot and its reads outside the snapshot, forced in that order. With more
 * than {@link ListWatcher#SEARCH_LIMIT} arrivals, the previous newest element is found outside the snapshot; the
 * pushes made meanwhile must not count as this poll's arrivals. They did once: the breakdown then read older tasks as
 * new ones and took the same number off the oldest end, so the total stayed right while names moved (found under CPU
 * load, where slow polls made the window wide).
 */
class ArrivalsAfterTheSnapshotTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final byte[] KEY = "q".getBytes();
    private final MessageDecoder decoder = new MessageDecoder(List.of());
    private final TaskNames names = new TaskNames(10);
    private final PollCounters counters = new PollCounters();
    private double now;

    @Test
    void pushesAfterTheSnapshotWaitForTheNextPoll() {
        try (RedisClient redis = REDIS.client(); RedisBroker broker = Brokers.connect(REDIS.url(),
                Duration.ofSeconds(5))) {
            CeleryRedis celery = new CeleryRedis(redis);
            ListWatcher watcher = new ListWatcher(KEY, "q", new TaskBreakdown(KEY, names, decoder));
            push(redis, celery, "tasks.a", 2000);
            ListReading first = snapshot(broker, watcher);
            observe(watcher, first, broker);
            push(redis, celery, "tasks.c", 500);
            observe(watcher, snapshot(broker, watcher), broker);
            assertEquals(Map.of("tasks.a", 2000L, "tasks.c", 500L), counts(watcher));

            push(redis, celery, "tasks.e", 1500); // past the 1000 the snapshot's LPOS looks through
            ListReading reading = snapshot(broker, watcher);
            push(redis, celery, "tasks.d", 300); // lands after the snapshot, before the reads outside it
            ListTracker.View view = observe(watcher, reading, broker);
            assertEquals(2000 + 500 + 1500, view.length());
            assertEquals(500 + 1500, view.enqueued(), "this poll's arrivals are the 1500 in its snapshot");
            assertEquals(0, view.dequeued());
            assertEquals(Map.of("tasks.a", 2000L, "tasks.c", 500L, "tasks.e", 1500L), counts(watcher));

            view = observe(watcher, snapshot(broker, watcher), broker);
            assertEquals(500 + 1500 + 300, view.enqueued(), "the 300 count at the next poll");
            assertEquals(Map.of("tasks.a", 2000L, "tasks.c", 500L, "tasks.d", 300L, "tasks.e", 1500L),
                    counts(watcher));
        }
    }

    private static void push(RedisClient redis, CeleryRedis celery, String task, int n) {
        for (int i = 0; i < n; i++) {
            redis.lpush(KEY, celery.message("q", task, 0, null));
        }
    }

    /** The poller's snapshot of this one list, the re-read included. */
    private static ListReading snapshot(RedisBroker broker, ListWatcher watcher) {
        ListReading reading = broker.snapshot(List.of(watcher.probe(true)), List.of()).lists().get(0);
        return watcher.needsReread(reading)
                ? broker.snapshot(List.of(watcher.reread()), List.of()).lists().get(0) : reading;
    }

    private ListTracker.View observe(ListWatcher watcher, ListReading reading, RedisBroker broker) {
        now += 1;
        return watcher.observe(reading, broker, decoder, counters, new PollTime(1_800_000_000 + now, now),
                new TaskBreakdown.Budget(100), null);
    }

    private Map<String, Long> counts(ListWatcher watcher) {
        TaskNameRuns runs = watcher.breakdown().orElseThrow().runs();
        Map<String, Long> out = new TreeMap<>();
        for (int id = 0; id < runs.nameIdBound() && id < names.size(); id++) {
            if (runs.count(id) > 0) {
                out.put(names.nameOf(id), runs.count(id));
            }
        }
        return out;
    }
}
