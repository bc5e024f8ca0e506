package io.celeryexporter.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The modelled workers, behaviour by behaviour, with fixed task times: each figure is what a real Celery 5.2.6
 * worker did in the same situation (the numbers in the comments were measured with {@code -c 2}, bench/WORKERS.md).
 */
class WorkerPoolTest {

    private static final double STEP = 1.0 / Simulation.STEPS_PER_SECOND;

    private static WorkerPool pool(double taskSeconds, WorkerBehaviour behaviour) {
        return pool(taskSeconds, behaviour, EARLY_TIMER);
    }

    private static WorkerPool pool(double taskSeconds, WorkerBehaviour behaviour, Random sweepPhases) {
        return new WorkerPool(new WorkerSettings(2, new TaskTimes.Fixed(taskSeconds), 30, 500, 100, behaviour), 1,
                sweepPhases);
    }

    /** Every replica's timer sweeps 10 s after its start, then every 100 s. */
    private static final Random EARLY_TIMER = fixedDraw(0);
    /** Every replica's timer sweeps 100 s after its start, then every 100 s. */
    private static final Random LATE_TIMER = fixedDraw(0.99);

    private static Random fixedDraw(double value) {
        return new Random() {
            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private static SimulatedQueue queueOf(int tasks, TaskLog log) {
        SimulatedQueue queue = new SimulatedQueue();
        for (int i = 0; i < tasks; i++) {
            QueuedTask t = new QueuedTask(Integer.toString(i), 0);
            log.published(t);
            queue.publish(t);
        }
        return queue;
    }

    /** Works from {@code from} to {@code to} in the simulation's steps. */
    private static void run(WorkerPool pool, TaskQueue queue, TaskLog log, double from, double to) {
        for (long step = Math.round(from / STEP); step <= Math.round(to / STEP); step++) {
            pool.work(queue, step * STEP, log);
        }
    }

    @Test
    void aWorkerHoldsMultiplierTimesSlotsUnacknowledgedBesideWhatItRunsWithAcksEarly() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(20, log);
        WorkerPool pool = pool(10, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        pool.work(queue, 0, log);
        WorkerFigures f = pool.figures(0);
        assertEquals(2, f.executing());
        assertEquals(8, f.prefetched(), "measured: 8 in unacked, 2 running (acked), 10 left in the queue");
        assertEquals(10, queue.size());
    }

    @Test
    void withAcksLateTheRunningTasksCountAgainstThePrefetchLimit() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(20, log);
        WorkerPool pool = pool(10, new WorkerBehaviour(4, true, 30, 3600));
        pool.startWith(1, log);
        pool.work(queue, 0, log);
        WorkerFigures f = pool.figures(0);
        assertEquals(2, f.executing());
        assertEquals(6, f.prefetched(), "8 unacknowledged in all, the 2 running among them");
        assertEquals(12, queue.size());
    }

    @Test
    void theIdealPodTakesOnlyIntoFreeSlots() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(20, log);
        WorkerPool pool = pool(10, WorkerBehaviour.IDEAL);
        pool.startWith(1, log);
        pool.work(queue, 0, log);
        assertEquals(0, pool.figures(0).prefetched());
        assertEquals(18, queue.size());
    }

    @Test
    void aNewReplicaIdlesWhileAnOldOneHoardsTheBacklog() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(10, log);
        WorkerPool pool = pool(10, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        pool.work(queue, 0, log); // the first takes all 10: 2 run, 8 wait in its buffer
        pool.scaleTo(2, 0, log);
        run(pool, queue, log, STEP, 31);
        WorkerFigures f = pool.figures(31);
        assertEquals(2, f.readyReplicas());
        assertEquals(0, queue.size());
        assertEquals(2, f.executing(), "the new replica has nothing to run");
        assertEquals(4, f.slots());
        assertEquals(2, f.prefetched(), "while the old one still holds 2 back (of the 8 it took at first)");
    }

    @Test
    void aWarmShutdownGivesBackWhatItPrefetchedOnlyOnceItsRunningTasksEnd() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(20, log);
        WorkerPool pool = pool(6, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        pool.work(queue, 0, log);
        pool.scaleTo(0, 1, log);
        run(pool, queue, log, 1, 5.9);
        assertEquals(10, queue.size(), "measured: nothing comes back at SIGTERM");
        assertEquals(1, pool.existing());
        run(pool, queue, log, 6, 6);
        assertEquals(18, queue.size(), "measured: 'Restoring 8 unacknowledged message(s)' as the 2 running end");
        assertEquals(0, pool.existing());
        QueuedTask head = queue.take();
        assertEquals("9", head.id(), "at the head, consumed next: the last one received first");
        queue.restore(List.of(head));
        TaskLog.Figures tasks = pool.finish(log, queue, 6, 0);
        assertEquals(2, tasks.completed());
        assertEquals(0, tasks.fates().lost());
        assertEquals(0, tasks.fates().redelivered(), "a warm shutdown's restore is no redelivery");
    }

    @Test
    void theGracePeriodKillsRunningTasksAndStrandsThePrefetchedOnesWithAcksEarly() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(10, log);
        WorkerPool pool = pool(60, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        pool.work(queue, 0, log);
        pool.scaleTo(0, 0, log);
        run(pool, queue, log, STEP, 29.9);
        assertEquals(1, pool.existing(), "alive through the grace period");
        run(pool, queue, log, 30, 30);
        assertEquals(0, pool.existing(), "killed at 30 s");
        assertEquals(8, pool.figures(30).orphaned(), "what it prefetched stays in unacked, with no worker");
        assertEquals(0, queue.size(), "and nothing restores it: no worker is left to sweep");
        run(pool, queue, log, 30 + STEP, 4000);
        assertEquals(0, queue.size());
        TaskLog.Figures tasks = pool.finish(log, queue, 4000, 0);
        assertEquals(2, tasks.fates().lost(), "the two running tasks were acknowledged at their start");
        assertEquals(8, tasks.fates().stranded());
        assertEquals(0, tasks.completed());
    }

    @Test
    void aLiveWorkersSweepRedeliversAKilledWorkersTasksAfterTheVisibilityTimeout() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(4, log);
        // 40 s tasks, acks late, a 50 s visibility timeout; prefetch 1, so a worker holds the two tasks it runs
        WorkerPool pool = pool(40, new WorkerBehaviour(1, true, 10, 50));
        pool.startWith(1, log);
        pool.work(queue, 0, log); // worker-0 runs tasks 0 and 1
        pool.scaleTo(2, 0, log); // worker-1 is ready at 30 s
        pool.scaleTo(1, 1, log); // the newest goes: worker-1, before it was ever ready
        pool.scaleTo(2, 2, log); // worker-2, ready at 32 s
        run(pool, queue, log, STEP, 32);
        pool.scaleTo(1, 33, log); // worker-2 is the newest ready one: SIGTERM at 33 s, killed at 43 s
        run(pool, queue, log, 33, 200);
        TaskLog.Figures tasks = pool.finish(log, queue, 200, 0);
        // worker-2 took tasks 2 and 3 at 32 s and was killed at 43 s; worker-0's sweeps run at 0, 10, 110, 210 s:
        // the one at 110 s finds them (received more than 50 s before) and worker-0, free since 40 s, runs them again
        assertEquals(2, tasks.fates().redelivered());
        assertEquals(110 - 43, tasks.fates().maxRedeliveryDelaySeconds(), 1e-9);
        assertEquals(2, tasks.fates().runTwice());
        assertEquals(0, tasks.fates().lost());
        assertEquals(4, tasks.completed());
    }

    @Test
    void aSweepGivesBackATaskItsLiveWorkerStillRunsWhenTheVisibilityTimeoutIsShorter() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(1, log);
        WorkerPool pool = pool(150, new WorkerBehaviour(1, true, 30, 60));
        pool.startWith(2, log);
        run(pool, queue, log, 0, 110 - STEP);
        assertEquals(1, pool.figures(110 - STEP).executing(), "due at 60 s, but the sweeps run at 0, 10 and 110 s");
        run(pool, queue, log, 110, 110);
        assertEquals(2, pool.figures(110).executing(), "the task runs twice at once");
        run(pool, queue, log, 110 + STEP, 300);
        TaskLog.Figures tasks = pool.finish(log, queue, 300, 0);
        assertEquals(1, tasks.fates().runTwice());
        assertEquals(1, tasks.fates().redelivered());
        assertEquals(110, tasks.fates().maxRedeliveryDelaySeconds(), 1e-9);
    }

    @Test
    void aWorkerWhoseTimerCountsOnItsStartUpChannelSweepsEvery100SecondsFromItsStart() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(1, log);
        WorkerPool pool = pool(150, new WorkerBehaviour(1, true, 30, 5), LATE_TIMER);
        pool.startWith(2, log);
        run(pool, queue, log, 0, 100 - STEP);
        assertEquals(1, pool.figures(100 - STEP).executing(), "due at 5 s; no sweep between 0 s and 100 s");
        run(pool, queue, log, 100, 100);
        assertEquals(2, pool.figures(100).executing());
    }

    /** worker-0 from the start, worker-1 ready at 30 s, worker-2 at 40 s. */
    private static WorkerPool threeReplicas(TaskLog log) {
        WorkerPool pool = pool(1, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        pool.scaleTo(2, 0, log);
        pool.scaleTo(3, 10, log);
        return pool;
    }

    @Test
    void scaleDownRemovesPodsNotReadyFirstThenTheNewestReady() {
        TaskLog log = new TaskLog();
        WorkerPool pool = threeReplicas(log);
        pool.scaleTo(4, 45, log); // worker-3, ready at 75
        pool.scaleTo(3, 50, log);
        assertEquals(List.of("worker-3"), leaving(pool, 50), "the one not ready yet");
        pool.scaleTo(2, 50, log);
        assertEquals(List.of("worker-2", "worker-3"), leaving(pool, 50), "then the one ready most recently");
    }

    @Test
    void ofReplicasReadyWithinOneDoublingOfAgeTheReplicaSetRemovesTheLowerUidNotTheNewest() {
        TaskLog log = new TaskLog();
        WorkerPool pool = threeReplicas(log);
        Map<String, String> uids = pool.pods(0).stream().collect(Collectors.toMap(p -> p.name(), p -> p.uid()));
        assertTrue(uids.get("worker-1").compareTo(uids.get("worker-2")) < 0,
                "with this seed the older one has the lower UID, so that newest-first would choose otherwise");
        pool.scaleTo(2, 120, log);
        assertEquals(List.of("worker-1"), leaving(pool, 120), "ready 90 and 80 s ago: both 2^36 ns and some");
    }

    @Test
    void replicasReadyADoublingApartLeaveNewestFirst() {
        TaskLog log = new TaskLog();
        WorkerPool pool = threeReplicas(log);
        pool.scaleTo(2, 100, log);
        assertEquals(List.of("worker-2"), leaving(pool, 100), "ready 70 s ago (2^36 ns and some) and 60 s (2^35)");
    }

    private static List<String> leaving(WorkerPool pool, double now) {
        return pool.pods(now).stream().filter(p -> p.deleting()).map(p -> p.name()).sorted().toList();
    }

    @Test
    void waitsCountToTheStartSoTimeInAPrefetchBufferCounts() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(10, log);
        WorkerPool pool = pool(10, WorkerBehaviour.CELERY_DEFAULTS);
        pool.startWith(1, log);
        run(pool, queue, log, 0, 50);
        assertEquals(0, queue.size(), "the queue emptied into the buffer at once");
        TaskLog.Figures tasks = pool.finish(log, queue, 50, 0);
        assertEquals(List.of(0.0, 0.0, 10.0, 10.0, 20.0, 20.0, 30.0, 30.0, 40.0, 40.0),
                tasks.waitsToStart().stream().map(w -> Math.round(w * 10) / 10.0).sorted().toList());
        assertEquals(10, tasks.completed());
    }

    @Test
    void eachNewReplicaTakesItsOwnBootOnTopOfTheStartUpAndOneBeyondTheListTheMean() {
        TaskLog log = new TaskLog();
        WorkerSettings settings = new WorkerSettings(2, new TaskTimes.Fixed(10), 30, 500, 100,
                WorkerBehaviour.CELERY_DEFAULTS).booting(new Boots(List.of(6.5, Double.NaN, 0.9), 3.0));
        WorkerPool pool = new WorkerPool(settings, 1, EARLY_TIMER);
        pool.startWith(1, log);
        pool.scaleTo(3, 15, log);
        pool.scaleTo(5, 30, log);
        assertEquals(List.of(Double.NEGATIVE_INFINITY, 51.5, 48.0, 60.9, 63.0),
                pool.pods(100).stream().map(p -> p.readySince()).toList(),
                "the one begun with runs from the start; then 15 + 30 + 6.5, 15 + 30 + the mean (its boot unknown),"
                        + " 30 + 30 + 0.9, and beyond the list 30 + 30 + the mean");
        SimulatedQueue queue = queueOf(40, log);
        run(pool, queue, log, 0, 50);
        assertEquals(2, pool.figures(50).readyReplicas(), "at 50 s the second replica is up, the first not yet");
    }

    @Test
    void aWorkerTakesBackRestoredCopiesOfWhatItHoldsWithoutRoomForThemTheirDeliveryTagsAreTheSame() {
        TaskLog log = new TaskLog();
        SimulatedQueue queue = queueOf(11, log);
        WorkerPool pool = pool(100, new WorkerBehaviour(4, false, 30, 30));
        pool.startWith(1, log);
        run(pool, queue, log, 0, 100);
        assertEquals(7, pool.figures(100).prefetched(), "at 100 s two more started and the last queued one was taken");
        assertEquals(0, queue.size());
        run(pool, queue, log, 100 + STEP, 110);
        assertEquals(13, pool.figures(110).prefetched(), "the sweep at 110 s gave back the 6 held since 0 s, and the"
                + " worker took all 6 copies with room for 1: kombu counts a delivery tag once (measured: a real"
                + " worker took 2 copies of its own tasks and 1 more with room for 1, bench/WORKERS.md)");
        assertEquals(0, queue.size());
    }
}
