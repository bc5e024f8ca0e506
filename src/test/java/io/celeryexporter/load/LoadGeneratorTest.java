package io.celeryexporter.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.testing.CeleryPython;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RealRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class LoadGeneratorTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static LoadSettings settings(String queue, double rate, Duration duration, double consume, long fill,
                                         List<Integer> priorities, int payload) {
        return new LoadSettings(queue, List.of("demo.echo"), rate, RateProfile.CONSTANT, duration, consume,
                priorities, payload, fill, "");
    }

    /** The wire-compatibility proof: a real Celery worker runs what {@code load} published. */
    @Test
    void aRealCeleryWorkerExecutesTheTasksWithTheirNameAndArguments() throws Exception {
        int count = 24;
        try (RedisClient redis = REDIS.client();
             CeleryPython celery = new CeleryPython(REDIS.url() + "/0", Map.of("RECORD_EXECUTED", "1"))) {
            new LoadGenerator(redis, settings("loadq", 0, Duration.ZERO, 0, count, List.of(0, 5, 9), 16),
                    PrioritySteps.KOMBU_DEFAULT).run(p -> { });
            assertEquals(8, redis.llen("loadq\u0006\u00169"), "priority 9 went to its sub-list");
            celery.startWorker("loadq");
            Eventually.await(Duration.ofSeconds(60), "the worker to run every task",
                    () -> redis.hlen("interop:executed") == count);
            TreeSet<Long> numbers = new TreeSet<>();
            for (String executed : redis.hvals("interop:executed")) {
                // [name, [n, payload], kwargs] as the task itself saw them
                assertTrue(executed.startsWith("[\"demo.echo\", ["), executed);
                assertTrue(executed.endsWith(", \"" + "x".repeat(16) + "\"], {}]"), executed);
                numbers.add(Long.parseLong(executed.substring(executed.indexOf("[", 2) + 1, executed.indexOf(','
                        , executed.indexOf("[", 2)))));
            }
            assertEquals(count, numbers.size());
            assertEquals(0L, numbers.first());
            assertEquals(count - 1L, numbers.last());
        }
    }

    @Test
    void publishesAtTheRateAndDrainsAtTheConsumeRate() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            LoadGenerator.Progress last = new LoadGenerator(redis,
                    settings("rated", 40, Duration.ofSeconds(2), 20, 0, List.of(0), 0), PrioritySteps.KOMBU_DEFAULT)
                    .run(p -> { });
            assertEquals(80, last.published(), 4, "40/s for 2 s");
            assertEquals(40, last.consumed(), 6, "20/s for 2 s");
            assertEquals(last.published() - last.consumed(), redis.llen("rated"));
            assertEquals(1, redis.scard("_kombu.binding.rated"), "the queue is declared as Celery does");
        }
    }

    @Test
    void profilesShapeTheRate() {
        Duration total = Duration.ofSeconds(100);
        assertEquals(50, RateProfile.CONSTANT.rateAt(50, Duration.ofSeconds(7), total));
        assertEquals(200, RateProfile.BURST.rateAt(50, Duration.ofSeconds(5), total));
        assertEquals(0, RateProfile.BURST.rateAt(50, Duration.ofSeconds(25), total));
        assertEquals(0, RateProfile.RAMP.rateAt(50, Duration.ZERO, total));
        assertEquals(50, RateProfile.RAMP.rateAt(50, Duration.ofSeconds(50), total));
        assertEquals(25, RateProfile.RAMP.rateAt(50, Duration.ofSeconds(75), total), 1e-9);
    }
}
