package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

    @Test
    void theSameSeedGivesTheSameRehearsal() throws Exception {
        var a = ShippedAutoscalersRehearsalTest.rehearse("hpa/queue-length.yaml", "burst", 7);
        var b = ShippedAutoscalersRehearsalTest.rehearse("hpa/queue-length.yaml", "burst", 7);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.timeline(), b.timeline());
    }

    @Test
    void theTimelineAddsUpToTheSummary() throws Exception {
        var r = ShippedAutoscalersRehearsalTest.rehearse("hpa/queue-length.yaml", "guide", 3);
        List<Second> t = r.timeline();
        assertEquals(r.summary().arrived(), t.stream().mapToLong(Second::arrivals).sum());
        assertEquals(r.summary().maxQueueLength(), t.stream().mapToInt(Second::queueLength).max().orElseThrow());
        assertEquals(r.summary().maxReplicas(), t.stream().mapToInt(Second::desiredReplicas).max().orElseThrow());
        Second last = t.get(t.size() - 1);
        assertEquals(0, last.queueLength(), "it runs until the queue is empty");
        assertEquals(1, last.desiredReplicas(), "and the replicas are back at minReplicas");
        assertEquals(r.summary().arrived() * 0.8 / 4 / 3600, r.summary().idealReplicaHours(), 1e-9);
    }

    @Test
    void kedaScalesFromZeroAndBackAfterItsCooldown() throws Exception {
        var r = ShippedAutoscalersRehearsalTest.rehearse("keda/queue-length.yaml", "guide", 1);
        List<Second> t = r.timeline();
        assertEquals(0, t.get(0).desiredReplicas(), "an idle queue starts at zero");
        int firstUp = t.stream().filter(s -> s.desiredReplicas() > 0).findFirst().orElseThrow().time();
        assertTrue(firstUp <= 15, "the first poll that sees a task activates it: " + firstUp);
        Second last = t.get(t.size() - 1);
        assertEquals(0, last.desiredReplicas(), "back to zero");
        int lastTaskDone = t.stream().filter(s -> s.queueLength() > 0).mapToInt(Second::time).max().orElseThrow();
        assertTrue(last.time() - lastTaskDone >= 300, "not before the 300 s cooldown: " + (last.time() - lastTaskDone));
    }

    @Test
    void theQuietNormalOperatingPointNeedsNoScaling() throws Exception {
        // 2 tasks/s need 0.4 of a replica: the queue stays near empty and one replica serves it all along
        var autoscaler = io.celeryexporter.autoscaling.manifest.AutoscalerFiles.read(
                java.nio.file.Path.of("hpa/queue-length.yaml"), 15,
                io.celeryexporter.autoscaling.ReplicaCalculator.Settings.DEFAULT);
        var r = new Simulation(ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS, PipelineSettings.DEFAULT, 0.05)
                .run(autoscaler, Traffic.of("constant", 2, java.time.Duration.ofMinutes(5), 5), 5);
        assertEquals(0, r.summary().scaleEvents());
        assertEquals(1, r.summary().maxReplicas());
        assertTrue(r.summary().maxQueueLength() < 10, "max queue " + r.summary().maxQueueLength());
        assertEquals(r.summary().arrived(), r.summary().completed());
    }

    @Test
    void prefetchOneWithAcksLateRehearsesAsTheIdealPods() throws Exception {
        // a worker then holds no more than it runs: nothing to hoard, nothing to give back on a warm shutdown
        var ideal = rampWith(WorkerBehaviour.IDEAL);
        var celery = rampWith(ShippedAutoscalersRehearsalTest.RECOMMENDED);
        assertEquals(ideal.timeline(), celery.timeline());
        assertEquals(ideal.summary(), celery.summary());
        assertEquals(0, celery.summary().idleSlotShareWhileBacklog());
        var hoarding = rampWith(WorkerBehaviour.CELERY_DEFAULTS);
        assertTrue(hoarding.summary().idleSlotShareWhileBacklog() > 0.05,
                "Celery's default prefetch of 4 leaves slots idle while others hoard: "
                        + hoarding.summary().idleSlotShareWhileBacklog());
    }

    private static Simulation.Rehearsal rampWith(WorkerBehaviour behaviour) throws Exception {
        var autoscaler = io.celeryexporter.autoscaling.manifest.AutoscalerFiles.read(java.nio.file.Path.of(
                "hpa/load.yaml"), 15, io.celeryexporter.autoscaling.ReplicaCalculator.Settings.DEFAULT);
        return new Simulation(ShippedAutoscalersRehearsalTest.DEFAULT_WORKERS.with(behaviour), PipelineSettings.DEFAULT,
                0.05).run(autoscaler, Traffic.of("ramp", 50, java.time.Duration.ofMinutes(10), 2), 2);
    }
}
