package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.celery.TaskEvent;
import io.celeryexporter.celery.WorkerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The split of one queue's unacked tasks, tier by tier, on hand-made worker views (no Redis: a pure function). */
class HeldTasksTest {

    private static final double NOW = 1_800_000_100;
    private static final double HOUR = 3600;
    private static final String Q = "evaluation";

    /** A worker that consumes Q with 2 slots, prefetch 4, and the given ack mode, online since {@code since}. */
    private static LiveWorker worker(String host, Boolean acksLate, long executing, double since) {
        return new LiveWorker(host, "d", new WorkerInfo(Set.of(Q), 2, 4, acksLate), executing, since, false);
    }

    private static LiveWorker unknownSlots(String host, double since) {
        return new LiveWorker(host, "d", WorkerInfo.UNKNOWN, 0, since, false);
    }

    /** {@code n} tasks t<i>, received {@code ago} seconds before now, one more second apart each. */
    private static List<HeldEntry> received(String prefix, int n, double ago) {
        List<HeldEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new HeldEntry(prefix + i, NOW - ago - i, false));
        }
        return out;
    }

    private static WorkersView view(LiveWorker... workers) {
        return new WorkersView(List.of(), List.of(workers), true, true);
    }

    private static HeldSplit split(List<HeldEntry> entries, WorkersView view) {
        return HeldTasks.split(Q, entries, view, new TaskHolders(), HOUR, NOW);
    }

    @Test
    void withNoLiveWorkerThatMayConsumeTheQueueEveryTaskIsOrphanedForCertain() {
        List<HeldEntry> held = received("t", 8, 20);
        HeldSplit none = split(held, view());
        assertEquals(new HeldSplit(HeldSplit.Tier.CERTAIN, 0, 0, 8, 0, 0, 0, 27), none);
        LiveWorker elsewhere = new LiveWorker("celery@other", "o", new WorkerInfo(Set.of("reports"), 1, 1, false), 0,
                Double.NaN, false);
        assertEquals(none, split(held, view(elsewhere)), "a worker of another queue holds none of these");
    }

    @Test
    void tasksBeyondWhatTheLiveWorkersCanHoldAreOrphanedALowerBound() {
        // 2 slots × 4 = 8 unacked at most, the 2 it runs with acks late among them; 13 held, so at least 5 are
        // orphaned, the oldest five
        List<HeldEntry> held = received("t", 13, 5);
        HeldSplit s = split(held, view(worker("celery@d-zzzzz", true, 2, Double.NaN)));
        assertEquals(new HeldSplit(HeldSplit.Tier.CAPACITY, 6, 2, 5, 0, 10, 12, 17), s);
    }

    @Test
    void withAcksEarlyNothingHeldIsRunning() {
        HeldSplit s = split(received("t", 6, 1), view(worker("celery@d-zzzzz", false, 2, Double.NaN)));
        assertEquals(new HeldSplit(HeldSplit.Tier.CAPACITY, 6, 0, 0, 0, 6, 0, 0), s);
    }

    @Test
    void aWorkerCannotHoldWhatWasReceivedBeforeItCameOnline() {
        // a killed pod's 5 tasks, received 60 s ago; its replacement came online 30 s ago and prefetched 2
        List<HeldEntry> held = new ArrayList<>(received("dead", 5, 60));
        held.addAll(received("live", 2, 10));
        HeldSplit s = split(held, view(unknownSlots("celery@d-bbbbb", NOW - 30)));
        assertEquals(HeldSplit.Tier.START_TIMES, s.tier(), "its slots are unknown: no capacity bound");
        assertEquals(5, s.orphaned());
        assertEquals(2, s.prefetched());
        assertEquals(64, s.oldestOrphanedAge());
        assertEquals(11, s.oldestPrefetchedAge());
        HeldSplit unknownStart = split(held, view(unknownSlots("celery@d-bbbbb", Double.NaN)));
        assertEquals(0, unknownStart.orphaned(), "a worker met mid-life may hold anything");
    }

    @Test
    void aStoppingWorkerStillHoldsWhatItWillRestore() {
        LiveWorker stopping = new LiveWorker("celery@d-zzzzz", "d", WorkerInfo.UNKNOWN, 1, NOW - 100, true);
        assertEquals(0, split(received("t", 4, 10), view(stopping)).orphaned());
    }

    @Test
    void taskEventsAttributeEveryTaskExactly() {
        TaskHolders holders = new TaskHolders();
        holders.apply(new TaskEvent(TaskEvent.RECEIVED, "a0", null, "celery@d-zzzzz"));
        holders.apply(new TaskEvent(TaskEvent.RECEIVED, "a1", null, "celery@d-zzzzz"));
        holders.apply(new TaskEvent(TaskEvent.STARTED, "a1", null, "celery@d-zzzzz"));
        holders.apply(new TaskEvent(TaskEvent.RECEIVED, "k0", null, "celery@d-kkkkk"));
        holders.apply(new TaskEvent(TaskEvent.RECEIVED, "gone", null, "celery@d-zzzzz"));
        holders.apply(new TaskEvent("task-succeeded", "gone", null, "celery@d-zzzzz"));
        List<HeldEntry> held = List.of(new HeldEntry("k0", NOW - 50, false), new HeldEntry("a1", NOW - 9, false),
                new HeldEntry("a0", NOW - 3, false));
        HeldSplit s = HeldTasks.split(Q, held, view(worker("celery@d-zzzzz", true, 1, NOW - 200)), holders, HOUR,
                NOW);
        assertEquals(new HeldSplit(HeldSplit.Tier.EXACT, 1, 1, 1, 0, 3, 9, 50), s);
        List<HeldEntry> withUnknown = new ArrayList<>(held);
        withUnknown.add(new HeldEntry("never-seen", NOW - 1, false));
        assertEquals(HeldSplit.Tier.CAPACITY, HeldTasks.split(Q, withUnknown,
                view(worker("celery@d-zzzzz", true, 1, NOW - 200)), holders, HOUR, NOW).tier(),
                "one task no event names: the queue falls back to the next tier");
    }

    @Test
    void overdueCountsEveryTaskHeldPastTheVisibilityTimeoutEtaOnesIncluded() {
        List<HeldEntry> held = List.of(new HeldEntry("old", NOW - HOUR - 1, false),
                new HeldEntry("eta", NOW - HOUR - 5, true), new HeldEntry("fresh", NOW - 10, false));
        HeldSplit s = split(held, view(worker("celery@d-zzzzz", false, 0, Double.NaN)));
        assertEquals(2, s.overdue());
        assertEquals(2, s.prefetched(), "the ETA task is scheduled, not prefetched");
    }

    @Test
    void beforeAWholeHeartbeatWindowNoTaskIsTakenForOrphaned() {
        WorkersView warmingUp = new WorkersView(List.of(), List.of(), true, false);
        HeldSplit s = split(received("t", 5, 10), warmingUp);
        assertEquals(new HeldSplit(HeldSplit.Tier.START_TIMES, 5, 0, 0, 0, 14, 0, 0), s,
                "a worker not heard yet may hold them all");
    }

    @Test
    void aHealthyIdleQueueHoldsNothingAndKeepsItsTier() {
        // the tier says what the workers let the exporter know, not what is held: an idle queue's series stays put
        assertEquals(new HeldSplit(HeldSplit.Tier.CAPACITY, 0, 0, 0, 0, 0, 0, 0),
                split(List.of(), view(worker("celery@d-zzzzz", false, 0, NOW - 5))));
        assertEquals(new HeldSplit(HeldSplit.Tier.START_TIMES, 0, 0, 0, 0, 0, 0, 0),
                split(List.of(), view(unknownSlots("celery@d-zzzzz", NOW - 5))));
        assertEquals(new HeldSplit(HeldSplit.Tier.CERTAIN, 0, 0, 0, 0, 0, 0, 0), split(List.of(), view()));
    }
}
