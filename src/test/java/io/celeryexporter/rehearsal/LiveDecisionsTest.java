package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveDecisionsTest {

    /** bench/WORKERS.md's scenario 3: 20 s tasks, a 5 s grace, prefetch 4 with acks early, a 60 s visibility. */
    private static final Simulation SHORT_GRACE = new Simulation(new WorkerSettings(2, new TaskTimes.Fixed(20), 5, 500,
            100, new WorkerBehaviour(4, false, 5, 60)), PipelineSettings.DEFAULT, 0.05);

    private static Autoscaler queueLengthSmall() throws Exception {
        return AutoscalerFiles.read(Path.of("bench/workers/queue-length-small.yaml"), 15,
                ReplicaCalculator.Settings.DEFAULT);
    }

    private static Traffic twoBursts() {
        return Traffic.batches(40, Duration.ofSeconds(60), Duration.ofSeconds(120), 2);
    }

    @Test
    void theSameWorkersOnTheDecisionsOfARunRepeatThatRun() throws Exception {
        var free = SHORT_GRACE.run(queueLengthSmall(), twoBursts(), 2);
        assertNotEquals(0, free.summary().tasks().lost(), "the scenario kills tasks: " + free.summary());

        var followed = SHORT_GRACE.run(new LiveDecisions(queueLengthSmall(), free.timeline()), twoBursts(), 2);

        assertEquals(free.summary(), followed.summary());
        assertEquals(free.timeline(), followed.timeline());
    }

    @Test
    void itAsksForWhatTheRunAskedForEachSecondAndThenItsLastCount() throws Exception {
        List<Second> timeline = new ArrayList<>();
        int[] asked = {1, 1, 3, 3, 3, 2, 2, 1};
        for (int t = 0; t < asked.length; t++) {
            timeline.add(new Second(t, 0, 0, 0, asked[t], asked[t], 0, 0));
        }
        var decisions = new LiveDecisions(queueLengthSmall(), timeline);

        List<Integer> played = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            played.add(decisions.tick(t, 1, 1, List.of(), metric -> java.util.Optional.empty()));
        }

        assertEquals(List.of(1, 1, 3, 3, 3, 2, 2, 1, 1, 1), played);
        assertEquals(1, decisions.idleReplicas());
    }

    @Test
    void aRunWithNoSecondHasNoDecisionToFollow() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> new LiveDecisions(queueLengthSmall(), List.of()));
        assertEquals("a run with no second took no decision to follow", e.getMessage());
    }
}
