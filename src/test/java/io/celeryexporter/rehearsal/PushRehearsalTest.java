package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale from zero on sparse traffic (20 tasks at once about every 10 minutes, for an hour): keda/push.yaml, whose
 * external-push trigger is told of the first task as it lands, against keda/load.yaml, which hears of it through
 * the exporter's poll, Prometheus' scrape and KEDA's pollingInterval.
 */
class PushRehearsalTest {

    private static Summary batches(String file, long seed) throws Exception {
        Autoscaler autoscaler = AutoscalerFiles.read(Path.of(file), 15, ReplicaCalculator.Settings.DEFAULT);
        return new Simulation(ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS, PipelineSettings.DEFAULT, 0.05)
                .run(autoscaler, Traffic.batches(20, Duration.ofMinutes(10), Duration.ofHours(1), seed), seed)
                .summary();
    }

    @Test
    void theFirstReplicaIsAskedForWithinASecondOfTheFirstTask() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Summary push = batches("keda/push.yaml", seed);
            Summary prometheus = batches("keda/load.yaml", seed);
            String what = "seed " + seed + ": push " + push + "; through Prometheus " + prometheus;
            assertAll(what,
                    () -> assertEquals(120, push.arrived()),
                    () -> assertEquals(120, push.completed()),
                    () -> assertTrue(push.wakeSeconds() <= 1, "within a second (one controller tick)"),
                    () -> assertTrue(prometheus.wakeSeconds() > 5, "poll, scrape and KEDA's polling between"),
                    () -> assertTrue(push.p95OldestAgeSeconds() < prometheus.p95OldestAgeSeconds()),
                    () -> assertTrue(push.maxOldestAgeSeconds() < prometheus.maxOldestAgeSeconds()),
                    () -> assertTrue(push.replicaHours() <= prometheus.replicaHours() * 1.01,
                            "no dearer: the same pool, woken sooner"));
        }
    }

    @Test
    void anExternalTriggerNeedsTheExportersMetadata(@TempDir Path dir) throws Exception {
        String push = Files.readString(Path.of("keda/push.yaml"));
        Path noQueue = dir.resolve("no-queue.yaml");
        Files.writeString(noQueue, push.replace("        queue: evaluation\n", ""));
        ManifestException e = assertThrows(ManifestException.class,
                () -> AutoscalerFiles.read(noQueue, 15, ReplicaCalculator.Settings.DEFAULT));
        assertTrue(e.getMessage().contains("spec.triggers[0].metadata.queue"), e.getMessage());
        Path badMetric = dir.resolve("bad-metric.yaml");
        Files.writeString(badMetric, push.replace("metric: backlog", "metric: depth"));
        e = assertThrows(ManifestException.class,
                () -> AutoscalerFiles.read(badMetric, 15, ReplicaCalculator.Settings.DEFAULT));
        assertTrue(e.getMessage().contains("metric 'depth' is not one of backlog, length"), e.getMessage());
    }
}
