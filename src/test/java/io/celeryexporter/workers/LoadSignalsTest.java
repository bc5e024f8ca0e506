package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.celeryexporter.celery.WorkerInfo;
import java.util.List;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class LoadSignalsTest {

    private static final Set<String> GROUP = Set.of("dispatcher");

    /** 2 workers of 4 slots; {@code started} so far. */
    private static QueueDemand demand(long executing, long started) {
        return new QueueDemand(executing, 8, 2, started, GROUP);
    }

    /** Polls every 2 s for a minute at a steady 4 starts/s and 4 executing: 1 s a task. */
    private static LoadSignals.Values steady(LoadSignals signals, long backlog, long arrivalsPerPoll) {
        LoadSignals.Values last = null;
        for (int t = 0; t <= 60; t += 2) {
            last = signals.add(t, demand(4, 4L * t), backlog, arrivalsPerPoll * t / 2);
        }
        return last;
    }

    @Test
    void aSteadyLoadNeedsItsTaskTimeTimesItsRateInWorkers() {
        LoadSignals.Values v = steady(new LoadSignals(30, 25), 0, 8);
        assertEquals(0.5, v.load(), 1e-12, "4 executing of 8 slots");
        assertEquals(1.0, v.requiredReplicas(), 1e-9, "1 s x 4/s = 4 slots busy = 1 worker of 4 at 100 %");
    }

    @Test
    void aBacklogAsksForItsDrainWithinTheDrainTime() {
        LoadSignals.Values v = steady(new LoadSignals(30, 25), 60, 8);
        assertEquals((4 + 60) / 8.0, v.load(), 1e-12);
        assertEquals(1.0 * (4 + 60 / 30.0) / 4, v.requiredReplicas(), 1e-9, "1 s x (4/s + 60 / 30 s) / 4 slots");
    }

    @Test
    void arrivalsLeadTheStartsWhileTheWorkersFallBehind() {
        LoadSignals.Values v = steady(new LoadSignals(30, 25), 0, 16); // 8 arrive a second, 4 start
        assertEquals(1.0 * 8 / 4, v.requiredReplicas(), 1e-9);
    }

    @Test
    void absentRatherThanWrong() {
        LoadSignals signals = new LoadSignals(30, 25);
        assertEquals(LoadSignals.Values.NONE, signals.add(0, null, 5, 0), "no demand known");
        LoadSignals.Values first = signals.add(2, demand(4, 0), 0, 0);
        assertEquals(0.5, first.load(), 1e-12);
        assertNull(first.requiredReplicas(), "no rate from one poll");
        assertNull(signals.add(8, demand(4, 24), 0, 0).requiredReplicas(), "6 s: under the 10 s a rate needs");
        assertEquals(1.0, signals.add(12, demand(4, 40), 0, 0).requiredReplicas(), 1e-9);
        assertEquals(0.5, signals.add(14, new QueueDemand(4, 8, 2, 900, Set.of("dispatcher", "reports")), 0, 0)
                .load(), 1e-12, "another group joined: its starts are not a burst");
        assertNull(signals.add(16, new QueueDemand(4, 8, 2, 908, Set.of("dispatcher", "reports")), 0, 0)
                .requiredReplicas(), "the window began again");

        LoadSignals stuck = new LoadSignals(30, 25);
        for (int t = 0; t <= 20; t += 2) {
            stuck.add(t, demand(0, 0), 10, 0);
        }
        assertNull(stuck.add(22, demand(0, 0), 10, 0).requiredReplicas(), "tasks wait and none starts");
        LoadSignals idle = new LoadSignals(30, 25);
        for (int t = 0; t <= 20; t += 2) {
            idle.add(t, demand(0, 0), 0, 0);
        }
        assertEquals(0.0, idle.add(22, demand(0, 0), 0, 0).requiredReplicas(), "idle: none needed");
    }

    /** Arrivals counted at each poll while the rate climbs as 4 + 0.5 t a second (or falls as 80 - 0.5 t). */
    private static long rising(int t) {
        return 4L * t + (long) t * t / 4;
    }

    private static long falling(int t) {
        return 80L * t - (long) t * t / 4;
    }

    /** Polls every 2 s up to {@code until}, 4 executing and 4 starts a second (1 s a task), backlog 0. */
    private static LoadSignals.Values arrivals(LoadSignals signals, int until, IntToLongFunction arrived) {
        LoadSignals.Values last = null;
        for (int t = 0; t <= until; t += 2) {
            last = signals.add(t, demand(4, 4L * t), 0, arrived.applyAsLong(t));
        }
        return last;
    }

    @Test
    void aRisingRateIsReadTheLeadTimeAheadOnItsTrend() {
        assertEquals(1.0 * (4 + 0.5 * (150 + 25)) / 4,
                arrivals(new LoadSignals(30, 25), 150, LoadSignalsTest::rising).requiredReplicas(), 1e-9,
                "the line through the last two minutes' rates, 25 s after now");
        assertEquals(1.0 * (4 + 0.5 * 150) / 4, arrivals(new LoadSignals(30, 0), 150, LoadSignalsTest::rising)
                .requiredReplicas(), 1e-9, "lead 0: the line now, not the minute's average behind it");
        assertEquals(1.0 * (4 + 0.5 * 53) / 4, arrivals(new LoadSignals(30, 25), 60, LoadSignalsTest::rising)
                .requiredReplicas(), 1e-9, "under 90 s of arrivals, no trend: the last 15 s (46 to 60 s)");
    }

    @Test
    void aFallingRateLetsGoAheadAndTheStartsAreTheFloor() {
        assertEquals(1.0 * (80 - 0.5 * (100 + 25)) / 4, arrivals(new LoadSignals(30, 25), 100,
                LoadSignalsTest::falling).requiredReplicas(), 1e-9);
        assertEquals(1.0 * 4 / 4, arrivals(new LoadSignals(30, 25), 150, LoadSignalsTest::falling)
                .requiredReplicas(), 1e-9, "the trend reads 0 at 175 s; the workers still start 4 a second");
    }

    @Test
    void theTaskTimeIsMeanExecutingOverStartRateOverFiveMinutes() {
        LoadSignals signals = new LoadSignals(30, 25);
        LoadSignals.Values v = null;
        for (int t = 0; t <= 500; t += 2) {
            v = signals.add(t, demand(t < 200 ? 8 : 4, 4L * t), 0, 4L * t); // 2 s a task, then 1 s
            if (t == 400) {
                double taskSeconds = (49 * 8 + 101 * 4) / 150.0 / 4; // mean executing of polls 102 to 400 / 4 a s
                assertEquals(taskSeconds * 4 / 4, v.requiredReplicas(), 1e-9, "5 minutes back, no more");
            }
        }
        assertEquals(1.0, v.requiredReplicas(), 1e-9, "the 2 s tasks are out of the window");
        assertEquals(0.5, v.load(), 1e-12, "the load keeps its minute");
    }

    private static LiveWorker worker(String host, Set<String> queues, Integer slots, long executing,
                                     boolean stopping) {
        return new LiveWorker(host, "d", new WorkerInfo(queues, slots, 4, false), executing, Double.NaN, stopping);
    }

    private static WorkersView view(LiveWorker... workers) {
        return new WorkersView(List.of(new GroupStats("d", workers.length, 0, -1, 120, 0, 0)), List.of(workers),
                true, true);
    }

    @Test
    void theDemandIsTheQueuesOwnWorkers() {
        WorkersView workers = view(worker("a", Set.of("evaluation"), 4, 3, false),
                worker("b", Set.of("evaluation", "reports"), 4, 4, false),
                worker("c", Set.of("reports"), 8, 8, false),
                worker("d", Set.of("evaluation"), 4, 1, true));
        assertEquals(new QueueDemand(7, 8, 2, 120, Set.of("d")), QueueDemand.of("evaluation", workers),
                "c consumes another queue; d went offline");
    }

    @Test
    void noDemandWhereTheWorkersCannotBeKnown() {
        assertNull(QueueDemand.of("evaluation", view()), "no worker: nothing to divide by");
        assertNull(QueueDemand.of("evaluation", view(worker("a", Set.of("reports"), 4, 0, false))),
                "no worker of this queue");
        assertNull(QueueDemand.of("evaluation", view(worker("a", Set.of("evaluation"), 4, 0, false),
                worker("x", null, 4, 4, false))), "a worker whose queues are unknown may serve this one");
        assertNull(QueueDemand.of("evaluation", view(worker("a", Set.of("evaluation"), null, 0, false))),
                "slots unknown");
        assertNull(QueueDemand.of("evaluation", new WorkersView(List.of(),
                List.of(worker("a", Set.of("evaluation"), 4, 0, false)), true, false)), "not listened long enough");
    }
}
