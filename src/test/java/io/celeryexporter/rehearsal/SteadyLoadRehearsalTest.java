package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The autoscalers on the workers' load hold every traffic shape, at the rehearsal's defaults (4 slots, 0.8 s tasks,
 * 30 s start-up, poll 2 s, scrape and sync 15 s) with workers set to prefetch 1 and ack late: the guide's burst from idle, a steady load (CPU-bound and
 * I/O-bound), a ramp, and a daily-like swing. The depth- and age-only files flap on all but the burst
 * (hpa/README.md): they are not held to these bounds.
 */
class SteadyLoadRehearsalTest {

    static final WorkerSettings IO_BOUND = new WorkerSettings(4, new TaskTimes.Exponential(0.8), 30, 500, 10,
            ShippedAutoscalersRehearsalTest.RECOMMENDED);

    private static Summary rehearse(String file, WorkerSettings workers, Traffic traffic, double measureFrom)
            throws Exception {
        Autoscaler autoscaler = AutoscalerFiles.read(Path.of(file), 15, ReplicaCalculator.Settings.DEFAULT);
        return new Simulation(workers, PipelineSettings.DEFAULT, 0.05, measureFrom).run(autoscaler, traffic, 1)
                .summary();
    }

    private static String figures(Summary s) {
        return String.format("reversals %d, replica-hours %.2f x ideal, p95 oldest age %.1f s, max %.1f s",
                s.scaleReversals(), s.replicaHours() / s.idealReplicaHours(), s.p95OldestAgeSeconds(),
                s.maxOldestAgeSeconds());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa/load.yaml", "keda/load.yaml", "hpa/composite.yaml", "keda/composite.yaml",
        "keda/push.yaml"})
    void holdsASteadyLoadCpuBoundOrIoBound(String file) throws Exception {
        for (WorkerSettings workers : new WorkerSettings[] {ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS,
            IO_BOUND}) {
            Summary s = rehearse(file, workers, Traffic.of("constant", 50, Duration.ofMinutes(20), 1), 300);
            String what = file + ", " + workers.cpuPerBusySlot() + "m a busy slot: " + figures(s);
            assertAll(what,
                    () -> assertTrue(s.scaleReversals() == 0, what),
                    () -> assertTrue(s.replicaHours() <= 1.35 * s.idealReplicaHours(), what),
                    () -> assertTrue(s.p95OldestAgeSeconds() <= 5, what));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa/load.yaml", "keda/load.yaml", "hpa/composite.yaml", "keda/composite.yaml",
        "keda/push.yaml"})
    void holdsTheGuidesBurst(String file) throws Exception {
        Summary s = rehearse(file, ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS,
                Traffic.of(Traffic.GUIDE, 50, Duration.ofMinutes(5), 1), 0);
        String what = file + ": " + figures(s);
        assertAll(what,
                () -> assertTrue(s.p95OldestAgeSeconds() <= 40, what),
                () -> assertTrue(s.maxOldestAgeSeconds() <= 45, what),
                () -> assertTrue(s.scaleReversals() <= 1, what),
                () -> assertTrue(s.replicaHours() <= 2 * s.idealReplicaHours(), what));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa/load.yaml", "keda/load.yaml", "hpa/composite.yaml", "keda/composite.yaml",
        "keda/push.yaml"})
    void followsARamp(String file) throws Exception {
        Summary s = rehearse(file, ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS,
                Traffic.of("ramp", 50, Duration.ofMinutes(20), 1), 0);
        String what = file + ": " + figures(s);
        assertAll(what,
                () -> assertTrue(s.scaleReversals() <= 2, what),
                () -> assertTrue(s.p95OldestAgeSeconds() <= 10, what),
                () -> assertTrue(s.replicaHours() <= 1.5 * s.idealReplicaHours(), what));
    }

    /** 10 to 50 tasks/s and back every 10 minutes, for 30, measured from the fifth: five half-periods. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa/load.yaml", "keda/load.yaml", "hpa/composite.yaml", "keda/composite.yaml",
        "keda/push.yaml"})
    void followsADailySwing(String file) throws Exception {
        Summary s = rehearse(file, ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS,
                Traffic.sine(10, 50, Duration.ofMinutes(10), Duration.ofMinutes(30), 1), 300);
        String what = file + ": " + figures(s);
        assertAll(what,
                () -> assertTrue(s.scaleReversals() <= 5, what + ": at most one per half-period"),
                () -> assertTrue(s.p95OldestAgeSeconds() <= 10, what),
                () -> assertTrue(s.replicaHours() <= 1.4 * s.idealReplicaHours(), what));
    }
}
