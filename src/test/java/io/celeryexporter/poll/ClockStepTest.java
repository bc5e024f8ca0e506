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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.RedisClient;

/**
 * The exporter's wall clock steps by an hour between two polls, as an NTP correction or a VM resume does. First-seen
 * ages and waits run on the monotonic clock and must not move; a publish-time header (a wall-clock source) that the
 * step contradicts is clamped into what was seen and counted.
 */
class ClockStepTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String QUEUE = "stepped";
    private static final double T0 = 1_800_000_000;

    @ParameterizedTest(name = "wall step {0} s, publish-time header {1}")
    @CsvSource({"3600, false", "-3600, false", "3600, true", "-3600, true"})
    void aWallClockStepMovesNoAgeNorWait(double step, boolean header) {
        ManualClock clock = new ManualClock(Math.round(T0 * 1000));
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT,
                List.of(QUEUE), Duration.ofSeconds(2), Duration.ofSeconds(30));
        PollCounters counters = new PollCounters();
        ExporterState state = new ExporterState(clock, config.staleAfter());
        try (RedisClient redis = REDIS.client();
             RedisBroker broker = Brokers.connect(REDIS.url(), Duration.ofSeconds(5))) {
            CeleryRedis celery = new CeleryRedis(redis);
            Poller poller = new Poller(broker, config,
                    new MessageDecoder(List.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER)), counters, clock);
            poller.poll(); // T0: empty

            clock.set(T0 + 0.5); // 30 tasks published, truly 0.5 s after T0
            Map<String, Object> headers = header ? Map.of(MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER, T0 + 0.5)
                    : Map.of();
            for (int i = 0; i < 30; i++) {
                redis.lpush(config.naming().listKey(QUEUE, 0), celery.message(QUEUE, "t", 0, null, headers));
            }
            clock.set(T0 + 1);
            poller.poll(); // first seen at T0 + 1
            clock.set(T0 + 3);
            QueueWait before = waiting(poller.poll());
            assertEquals(header ? 2.5 : 2.0, before.oldestAge(), 1e-6, "before the step");
            assertEquals(0, counters.clockSkew().total());

            clock.stepWall(step);
            clock.set(clock.seconds() + 2); // 2 s pass: the tasks truly waited 4.5 s, first seen 4 s ago
            PollResult result = poller.poll();
            state.publish(result);
            QueueWait after = waiting(result);
            double expected = !header ? 4.0 : step > 0 ? 5.0 : 4.0; // clamped to the poll before / the first sight
            assertEquals(expected, after.oldestAge(), 1e-6, "oldest age after the step");
            assertTrue(Math.abs(after.oldestAge() - 4.5) <= config.pollInterval().toSeconds(),
                    "within one poll interval of the truth");
            assertEquals(4.0, after.averageWait(), 1e-6, "average wait runs on first-seen times");
            assertEquals(header ? 1 : 0, counters.clockSkew().total(), "a contradicted header is counted");
            assertTrue(state.fresh().isPresent(), "the step neither withholds a fresh poll nor serves a stale one");
            assertEquals(T0 + 5 + step, state.lastSuccessEpochSeconds(), 1e-6,
                    "the last-poll timestamp stays on the wall clock, for Prometheus' time()");

            for (int i = 0; i < 10; i++) {
                redis.rpop(config.naming().listKey(QUEUE, 0));
            }
            clock.set(clock.seconds() + 2);
            QueueWait drained = waiting(poller.poll());
            assertEquals(10, drained.waits().count());
            assertEquals(10 * 6.0, drained.waits().sum(), 1e-6, "each waited 6 s from first sight: no hour, no minus");
            assertEquals(6.0, drained.averageWait(), 1e-6);
            // the first poll after the step counted the head once; the new head is another message, counted once too
            assertEquals(header ? 2 : 0, counters.clockSkew().total(), "counted once per message, not per poll");
            clock.set(clock.seconds() + 2);
            poller.poll();
            assertEquals(header ? 2 : 0, counters.clockSkew().total(), "the same head is not counted again");

            clock.set(clock.seconds() + 3 * config.pollInterval().toSeconds() + 1);
            assertTrue(state.fresh().isEmpty(), "a poll older than three intervals is stale, step or not");
        }
    }

    private static QueueWait waiting(PollResult result) {
        return result.queues().get(0).waiting();
    }
}
