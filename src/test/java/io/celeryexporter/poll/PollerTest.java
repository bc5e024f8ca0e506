package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Fixtures;
import io.celeryexporter.testing.ManualClock;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import java.util.concurrent.atomic.LongAdder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

class PollerTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private final UndecodableCounter undecodable = new UndecodableCounter();

    private PollResult poll(String prefix, PrioritySteps steps, List<String> queues) {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(prefix), steps, queues, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        try (RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(2))) {
            return new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(undecodable, new ClockSkewCounter(), new FlowStatus(), new LongAdder()), PollClock.system()).poll();
        }
    }

    private static Map<String, QueueStats> byName(PollResult result) {
        return result.queues().stream().collect(Collectors.toMap(QueueStats::name, q -> q));
    }

    @Test
    void discoversQueuesFromBindingsAndDropsControlExchanges() {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish("alpha", 0, 2);
            celery.declare("empty");
            redis.sadd("_kombu.binding.celery.pidbox", "\u0006\u0016\u0006\u0016w1@host.celery.pidbox");
            redis.sadd("_kombu.binding.celeryev", "worker.#\u0006\u0016\u0006\u0016celeryev.abc");
            redis.sadd("_kombu.binding.reply.celery.pidbox", "\u0006\u0016\u0006\u0016reply.celery.pidbox");
            redis.lpush("not-a-celery-list", "x");
        }
        Map<String, QueueStats> queues = byName(poll("", PrioritySteps.ALL, List.of()));
        assertEquals(List.of("alpha", "empty"), queues.keySet().stream().sorted().toList());
        assertEquals(2, queues.get("alpha").length());
        assertEquals(0, queues.get("empty").length(), "a known empty queue reports 0, not nothing");
    }

    /**
     * After a FLUSHALL no binding names the queues, and nothing binds them again until a worker starts or a producer
     * declares them anew: they stay exported for the retention, at their lists' depth, so an autoscaler scaled to
     * zero keeps its metric (danihodovic/celery-exporter#260).
     */
    @ParameterizedTest(name = "kept for {0} s")
    @CsvSource({"60, 'alpha,beta', 'alpha,beta', ''", "0, 'alpha,beta', '', ''"})
    void aQueueWhoseBindingVanishedIsKeptForItsRetention(int keepSeconds, String before, String afterFlush,
                                                       String afterRetention) {
        ManualClock clock = new ManualClock(1_000_000_000L);
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(1)).withKeepVanishedFor(Duration.ofSeconds(keepSeconds));
        try (RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(2));
             RedisClient redis = REDIS.client()) {
            Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(undecodable,
                    new ClockSkewCounter(), new FlowStatus(), new LongAdder()), clock);
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish("alpha", 0, 2);
            celery.declare("beta");
            assertEquals(names(before), byName(poller.poll()).keySet().stream().sorted().toList());

            redis.flushAll();
            clock.set(clock.seconds() + 2);
            Map<String, QueueStats> flushed = byName(poller.poll());
            assertEquals(names(afterFlush), flushed.keySet().stream().sorted().toList());
            flushed.values().forEach(q -> assertEquals(0, q.length(), q.name() + ": its lists are gone"));

            if (keepSeconds > 0) {
                // a producer that declared the queue before the flush pushes without binding it again
                celery.publishWithoutBinding("alpha", 3);
                clock.set(clock.seconds() + 2);
                assertEquals(3, byName(poller.poll()).get("alpha").length(), "its lists' depth");
                clock.set(clock.seconds() + keepSeconds);
            }
            assertEquals(names(afterRetention), byName(poller.poll()).keySet().stream().sorted().toList());

            celery.declare("beta");
            clock.set(clock.seconds() + 2);
            assertEquals(List.of("beta"), byName(poller.poll()).keySet().stream().sorted().toList(),
                    "bound again: read again");
        }
    }

    private static List<String> names(String csv) {
        return csv.isEmpty() ? List.of() : List.of(csv.split(","));
    }

    @ParameterizedTest(name = "steps {0}")
    @CsvSource(delimiter = ';', value = {
        // priority steps read; app's steps; expected length per step after publishing 1 of each priority 0..9
        "0,1,2,3,4,5,6,7,8,9; 0,3,6,9; 0=3 3=3 6=3 9=1",
        "0,1,2,3,4,5,6,7,8,9; 0,1,2,3,4,5,6,7,8,9; 0=1 1=1 2=1 3=1 4=1 5=1 6=1 7=1 8=1 9=1",
        "0,3,6,9; 0,3,6,9; 0=3 3=3 6=3 9=1",
        "0,5; 0,5; 0=5 5=5",
    })
    void countsEveryPrioritySubList(String readSteps, String appSteps, String expected) {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.parse(appSteps));
            for (int priority = 0; priority <= 9; priority++) {
                celery.publish("work", priority, 1);
            }
        }
        QueueStats work = byName(poll("", PrioritySteps.parse(readSteps), List.of())).get("work");
        String actual = work.lengthByPriority().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        assertEquals(expected, actual);
        assertEquals(10, work.length());
    }

    @Test
    void honoursTheGlobalKeyPrefix() {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis, "pfx:", PrioritySteps.KOMBU_DEFAULT).publish("alpha", 9, 3);
            new CeleryRedis(redis).publish("alpha", 0, 5); // same queue name, no prefix: another app
        }
        Map<String, QueueStats> prefixed = byName(poll("pfx:", PrioritySteps.ALL, List.of()));
        assertEquals(3, prefixed.get("alpha").length());
        assertEquals(3, prefixed.get("alpha").lengthByPriority().get(9));
        assertEquals(5, byName(poll("", PrioritySteps.ALL, List.of())).get("alpha").length());
    }

    @Test
    void staticQueueListExportsExactlyThoseQueues() {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("alpha", 0, 1);
        }
        Map<String, QueueStats> queues = byName(poll("", PrioritySteps.ALL, List.of("never-used", "alpha")));
        assertEquals(2, queues.size());
        assertEquals(0, queues.get("never-used").length());
        assertEquals(1, queues.get("alpha").length());
    }

    @Test
    void reservedAndScheduledComeFromTheUnackedHashPerQueue() {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.declare("gamma");
            celery.declare("work");
            // real kombu values: one plain task taken from gamma, one ETA task held for work
            celery.unacked("tag-gamma", Fixtures.celery("unacked-hash-entry.json"));
            celery.unacked("tag-work-eta", Fixtures.celery("unacked-hash-entry-eta.json"));
            for (int i = 0; i < 3; i++) {
                celery.unacked("tag-work-" + i, CeleryRedis.unackedValue(celery.message("work", "t", 0, null), "work"));
            }
            celery.unacked("tag-garbage", "not json".getBytes());
        }
        Map<String, QueueStats> queues = byName(poll("", PrioritySteps.ALL, List.of()));
        assertEquals(1, queues.get("gamma").reserved());
        assertEquals(0, queues.get("gamma").scheduled());
        assertEquals(3, queues.get("work").reserved());
        assertEquals(1, queues.get("work").scheduled());
        assertEquals(Map.of(UndecodableCounter.UNKNOWN, 1L), undecodable.totals());
    }

    @Test
    void undecodableListMessagesNeverChangeTheLength() {
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish("alpha", 0, 2);
            celery.pushRaw("alpha", new byte[] {(byte) 0x80, 0x04, 0x00});
            celery.pushRaw("alpha", new byte[3 * 1024 * 1024]);
        }
        assertEquals(4, byName(poll("", PrioritySteps.ALL, List.of())).get("alpha").length());
    }

    @Test
    void unicodeAndOddQueueNamesRoundTrip() {
        List<String> names = List.of("with space", "évaluation ✓", "a:b:c", "quote\"d", "back\\slash");
        try (RedisClient redis = REDIS.client()) {
            CeleryRedis celery = new CeleryRedis(redis);
            for (int i = 0; i < names.size(); i++) {
                celery.publish(names.get(i), 5, i + 1);
            }
        }
        Map<String, QueueStats> queues = byName(poll("", PrioritySteps.ALL, List.of()));
        for (int i = 0; i < names.size(); i++) {
            assertEquals(i + 1, queues.get(names.get(i)).length(), names.get(i));
        }
        assertTrue(queues.keySet().containsAll(names));
    }

    /**
     * Sub-lists that were empty share one EXISTS per queue; a list that appears among them is still read, and counted,
     * at the very next poll, whichever it is.
     */
    @Test
    void aSubListThatAppearsIsCountedAtTheNextPoll() {
        ExporterConfig config = queueQ(ExporterConfig.TaskBreakdownConfig.OFF);
        try (RedisClient redis = REDIS.client();
             RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(2))) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.ALL);
            Poller poller = poller(broker, config);
            celery.publish("q", 0, 1);
            poller.poll(); // first look: steps 1-9 empty from now on
            poller.poll();
            for (int step : new int[] {7, 3, 9}) {
                celery.publish("q", step, step);
                QueueStats q = poller.poll().queues().get(0);
                assertEquals(step, q.lengthByPriority().get(step), "step " + step + " at the first poll after");
                redis.del(KeyNaming.withPrefix("").listKey("q", step)); // and gone again
                assertEquals(0, poller.poll().queues().get(0).lengthByPriority().get(step));
            }
            celery.publish("q", 4, 2);
            celery.publish("q", 8, 5);
            QueueStats both = poller.poll().queues().get(0);
            assertEquals(2, both.lengthByPriority().get(4));
            assertEquals(5, both.lengthByPriority().get(8));
            assertEquals(1 + 2 + 5, both.length());
            assertEquals(3 + 7 + 9 + 2 + 5, both.waiting().enqueued(), "every arrival counted");
        }
    }

    /**
     * A list that did not change since the poll before is probed with LLEN and LINDEX -1 only: no LPOS, no newest
     * element. A change that keeps its length (one task in and one out; or a worker takes the oldest task and kombu
     * restores another there) still shows at the oldest end, and the list is read in full at that poll.
     */
    @Test
    void anUnchangedListCostsTwoCommandsYetEveryChangeIsSeen() {
        ExporterConfig config = queueQ(new ExporterConfig.TaskBreakdownConfig(true, 10, 10));
        KeyNaming naming = KeyNaming.withPrefix("");
        try (RedisClient redis = REDIS.client();
             RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(2))) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.ALL);
            Poller poller = poller(broker, config);
            celery.publish("q", 0, 5);
            celery.publish("q", 9, 3);
            poller.poll(); // first look
            poller.poll(); // nothing changed: cheap probes from the next poll on
            redis.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");
            QueueStats quiet = poller.poll().queues().get(0);
            Map<String, Long> calls = commandCalls(redis);
            assertEquals(8, quiet.length());
            assertEquals(Map.of("tasks.work", 8L), quiet.tasksByName());
            assertEquals(2L, calls.get("llen"), "one LLEN per list in use: " + calls);
            assertEquals(2L, calls.get("lindex"), "only the oldest end of each: " + calls);
            assertEquals(1L, calls.get("exists"), "the eight idle lists share one EXISTS: " + calls);
            assertEquals(null, calls.get("lpos"), calls.toString());

            byte[] step0 = naming.listKey("q", 0);
            redis.rpop(step0); // a worker takes the oldest
            redis.rpush(step0, celery.redelivered("q", "tasks.other")); // kombu restores another task there
            QueueStats swapped = poller.poll().queues().get(0);
            assertEquals(8, swapped.length());
            assertEquals(Map.of("tasks.work", 7L, "tasks.other", 1L), swapped.tasksByName(), "the swap seen");
            assertEquals(0, swapped.waiting().enqueued(), "a restore is no arrival");

            poller.poll(); // unchanged again
            redis.lpush(naming.listKey("q", 9), celery.message("q", "tasks.work", 9, null));
            QueueStats pushed = poller.poll().queues().get(0);
            assertEquals(9, pushed.length());
            assertEquals(1, pushed.waiting().enqueued(), "an arrival on a quiet list counted at the next poll");
            assertEquals(3 + 1, pushed.lengthByPriority().get(9));
            assertEquals(Map.of("tasks.work", 8L, "tasks.other", 1L), pushed.tasksByName());

            redis.rpop(naming.listKey("q", 9));
            QueueStats taken = poller.poll().queues().get(0);
            assertEquals(8, taken.length());
            assertEquals(1, taken.waiting().dequeued(), "a take from a quiet list counted at the next poll");

            poller.poll(); // unchanged again
            redis.lpush(step0, celery.message("q", "tasks.work", 0, null)); // one in, one out: the same length
            redis.rpop(step0);
            QueueStats inAndOut = poller.poll().queues().get(0);
            assertEquals(8, inAndOut.length());
            assertEquals(2, inAndOut.waiting().enqueued(), "the arrival behind an unchanged length counted");
            assertEquals(2, inAndOut.waiting().dequeued(), "and the take");
        }
    }

    /**
     * A quiet list keeps only a fingerprint of its newest element, not the element: its re-read searches the newest
     * elements for it, past the first page too, and a list drained and refilled since counts whole as arrivals.
     */
    @Test
    void aQuietListsAnchorIsFoundByItsFingerprint() {
        ExporterConfig config = queueQ(ExporterConfig.TaskBreakdownConfig.OFF);
        byte[] step0 = KeyNaming.withPrefix("").listKey("q", 0);
        try (RedisClient redis = REDIS.client();
             RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(2))) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.ALL);
            Poller poller = poller(broker, config);
            celery.publish("q", 0, 5);
            poller.poll();
            poller.poll(); // quiet from here
            poller.poll();
            celery.publish("q", 0, 40);
            QueueStats burst = poller.poll().queues().get(0);
            assertEquals(45, burst.length());
            assertEquals(40, burst.waiting().enqueued(), "40 arrivals: the anchor 40 deep, past the first page");

            poller.poll(); // quiet again; then drained and refilled past the first page between two polls
            while (redis.rpop(step0) != null) {
                continue;
            }
            celery.publish("q", 0, 30);
            QueueStats refilled = poller.poll().queues().get(0);
            assertEquals(30, refilled.length());
            assertEquals(40 + 30, refilled.waiting().enqueued(), "the anchor is gone: the whole list arrived since");
            assertEquals(45, refilled.waiting().dequeued());

            poller.poll();
            celery.publish("q", 0, 3);
            redis.rpop(step0);
            QueueStats few = poller.poll().queues().get(0);
            assertEquals(32, few.length());
            assertEquals(73, few.waiting().enqueued(), "a few arrivals, found on the first page");
            assertEquals(46, few.waiting().dequeued());
        }
    }

    /** Queue "q" only, on all ten priority steps. */
    private static ExporterConfig queueQ(ExporterConfig.TaskBreakdownConfig breakdown) {
        return new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"), Duration.ofSeconds(1),
                Duration.ofSeconds(30), breakdown);
    }

    private static Poller poller(RedisBroker broker, ExporterConfig config) {
        return new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system());
    }

    /** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
    private static Map<String, Long> commandCalls(RedisClient redis) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                int c = line.indexOf("calls=") + "calls=".length();
                calls.put(line.substring("cmdstat_".length(), line.indexOf(':')),
                        Long.parseLong(line.substring(c, line.indexOf(',', c))));
            }
        }
        return calls;
    }
}
