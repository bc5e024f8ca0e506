package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every shipped autoscaler that scales on a queue metric holds the guide's load test (50 tasks/s for 5 minutes). */
class ShippedAutoscalersRehearsalTest {

    /**
     * Celery workers set as the README recommends: prefetch 1 with acks late, so that a worker holds no task beyond
     * its slots (they rehearse exactly as the ideal pods: {@code SimulationTest}). With Celery's own defaults the
     * steady shapes move; hpa/README.md gives those figures.
     */
    static final WorkerBehaviour RECOMMENDED = new WorkerBehaviour(1, true, 30, 3600);
    static final WorkerSettings DEFAULT_WORKERS = new WorkerSettings(4, new TaskTimes.Exponential(0.8), 30, 500, 100,
            RECOMMENDED);

    static Simulation.Rehearsal rehearse(String file, String profile, long seed) throws Exception {
        Autoscaler autoscaler = AutoscalerFiles.read(Path.of(file), 15, ReplicaCalculator.Settings.DEFAULT);
        return new Simulation(DEFAULT_WORKERS, PipelineSettings.DEFAULT, 0.05)
                .run(autoscaler, Traffic.of(profile, 50, Duration.ofMinutes(5), seed), seed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa/queue-length.yaml", "hpa/wait-time.yaml", "hpa/composite.yaml",
        "keda/queue-length.yaml", "keda/wait-time.yaml", "keda/composite.yaml"})
    void holdsTheGuidesLoadTest(String file) throws Exception {
        Summary s = rehearse(file, Traffic.GUIDE, 1).summary();
        assertAll(file,
                () -> assertTrue(s.arrived() > 14_000 && s.arrived() < 16_000, "about 50/s for 300 s: " + s.arrived()),
                () -> assertEquals(s.arrived(), s.completed(), "the queue drains"),
                () -> assertTrue(s.p95OldestAgeSeconds() <= 60, "p95 oldest age " + s.p95OldestAgeSeconds()),
                () -> assertTrue(s.maxOldestAgeSeconds() <= 120, "max oldest age " + s.maxOldestAgeSeconds()),
                () -> assertTrue(s.scaleReversals() <= 1, "reversals " + s.scaleReversals()),
                () -> assertTrue(s.replicaHours() <= 2 * s.idealReplicaHours(),
                        "replica-hours " + s.replicaHours() + " against ideal " + s.idealReplicaHours()));
    }
}
