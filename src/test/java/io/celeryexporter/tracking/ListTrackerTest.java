package io.celeryexporter.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListTrackerTest {

    private static final double T0 = 1_800_000_000;

    /** A poll at Unix time {@code t}, with the monotonic clock in step with the wall clock. */
    static PollTime at(double t) {
        return new PollTime(t, t - T0);
    }

    @Test
    void firstLookIsALowerBoundUntilItDrains() {
        ListTracker t = new ListTracker();
        ListTracker.View v = t.update(ListObservation.untimed(5, -1), at(T0));
        assertTrue(v.ageIsLowerBound());
        assertEquals(0, v.oldestAge());
        v = t.update(ListObservation.untimed(7, 2), at(T0 + 10));
        assertEquals(10, v.oldestAge());
        assertTrue(v.ageIsLowerBound());
        assertEquals(2, v.enqueued());
        v = t.update(ListObservation.untimed(2, 0), at(T0 + 12));
        assertFalse(v.ageIsLowerBound(), "the start cohort has drained");
        assertEquals(2, v.oldestAge());
        assertEquals(5, v.dequeued());
        assertEquals(0, t.waits().count(), "waits of tasks queued before the start are unknown, not observed");
    }

    @Test
    void departuresLeaveFromTheOldestCohortAndFeedTheHistogram() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.update(ListObservation.untimed(3, 3), at(T0 + 1));
        t.update(ListObservation.untimed(5, 2), at(T0 + 2));
        ListTracker.View v = t.update(ListObservation.untimed(2, 0), at(T0 + 4));
        // 3 left from the cohort first seen at +1 (waited 3 s); 2 remain from +2 (waited 2 s so far)
        assertEquals(2, v.oldestAge());
        assertEquals(2 * 2, v.waitSum(), 1e-9);
        WaitHistogram.Snapshot waits = t.waits();
        assertEquals(3, waits.count());
        assertEquals(9, waits.sum(), 1e-9);
    }

    @Test
    void restoresJoinAtTheOldestEndAsALowerBound() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.update(ListObservation.untimed(4, 4), at(T0 + 1));
        ListTracker.View v = t.update(ListObservation.untimed(6, 0), at(T0 + 5));
        assertEquals(4, v.oldestAge());
        assertTrue(v.ageIsLowerBound());
        assertEquals(0, v.dequeued());
    }

    @Test
    void headTimeFromTheMessageIsExactAndAnEtaNotYetDueIsNotWaiting() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(1, -1), at(T0));
        ListTracker.View v = t.update(new ListObservation(1, 0, T0 - 42.5, false, true), at(T0 + 1));
        assertEquals(43.5, v.oldestAge(), 1e-9);
        assertFalse(v.ageIsLowerBound());
        assertEquals(0, t.update(new ListObservation(1, 0, T0 + 100, true, false), at(T0 + 2)).oldestAge());
    }

    @Test
    void memoryStaysBoundedWhileCountsStayExact() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        long length = 0;
        for (int poll = 1; poll <= 3 * ListTracker.MAX_COHORTS; poll++) {
            length += 3;
            ListTracker.View v = t.update(ListObservation.untimed(length, 3), at(T0 + poll));
            assertEquals(length, v.length());
        }
        assertTrue(t.cohortCount() <= ListTracker.MAX_COHORTS, "cohorts: " + t.cohortCount());
        ListTracker.View drained = t.update(ListObservation.untimed(0, 0), at(T0 + 10_000));
        assertEquals(length, drained.dequeued());
        assertEquals(length, t.waits().count());
    }

    // ---- the event path: every push and pop, at the moment it was received ----

    @Test
    void eventsGiveExactWaitsEvenWhenTheQueueIsEmptyAtEveryPoll() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        double m = T0 - T0; // monotonic seconds of the first poll
        t.pushed(m + 0.100);
        t.popped(m + 0.103);
        t.pushed(m + 0.200);
        t.pushed(m + 0.250);
        t.popped(m + 0.260);
        t.popped(m + 0.700);
        ListTracker.View v = t.viewAt(ListObservation.untimed(0, 0), at(T0 + 1));
        assertEquals(0, v.length());
        assertEquals(3, v.enqueued());
        assertEquals(3, v.dequeued());
        WaitHistogram.Snapshot waits = t.waits();
        assertEquals(3, waits.count());
        assertEquals(0.003 + 0.060 + 0.450, waits.sum(), 1e-9);
        long[] counts = waits.counts();
        assertEquals(1, counts[0], "3 ms is in the 10 ms bucket");
        assertEquals(1, counts[3], "60 ms is in the 100 ms bucket (bounds 0.01, 0.025, 0.05, 0.1)");
        assertEquals(1, counts[5], "450 ms is in the 500 ms bucket");
    }

    @Test
    void eventsGiveTheOldestAgeFromItsArrival() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.pushed(0.5);
        t.pushed(2.0);
        t.popped(2.5); // the one from 0.5 leaves
        ListTracker.View v = t.viewAt(ListObservation.untimed(1, 0), at(T0 + 3));
        assertEquals(1.0, v.oldestAge(), 1e-9, "the task pushed at 2.0 has waited 1 s");
        assertEquals(1.0, v.waitSum(), 1e-9);
        assertFalse(v.ageIsLowerBound());
    }

    @Test
    void aRestoreJoinsTheOldestEndAndIsNotAnArrival() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.pushed(1);
        t.pushed(2);
        t.popped(3);
        t.restored(4); // kombu puts the one taken at 3 back
        t.popped(5);   // and it is taken again first
        ListTracker.View v = t.viewAt(ListObservation.untimed(1, 0), at(T0 + 6));
        assertEquals(2, v.enqueued(), "a restore is not a new task");
        assertEquals(2, v.dequeued());
        assertEquals(1, t.waits().count(), "the restored task's wait is unknown: not observed");
        assertEquals(4, v.oldestAge(), 1e-9, "the task pushed at 2 is next");
    }

    @Test
    void aPopTheModelCannotExplainIsLeftToTheCorrection() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.popped(1); // its push was missed
        assertEquals(0, t.length());
        t.correct(2, 2); // the snapshot reads 2: two pushes were missed
        ListTracker.View v = t.viewAt(ListObservation.untimed(2, 0), at(T0 + 3));
        assertEquals(2, v.enqueued());
        assertTrue(v.ageIsLowerBound(), "their arrival is unknown");
        t.correct(0, 4);
        assertEquals(2, t.viewAt(ListObservation.untimed(0, 0), at(T0 + 4)).dequeued());
    }

    @Test
    void pushesInTheSameMillisecondShareACohortAndManyCohortsCoarsenWithoutLosingCount() {
        ListTracker t = new ListTracker();
        t.update(ListObservation.untimed(0, -1), at(T0));
        t.pushed(1.0000);
        t.pushed(1.0004);
        assertEquals(1, t.cohortCount());
        for (int i = 0; i < 5000; i++) {
            t.pushed(2 + i * 0.01);
        }
        assertTrue(t.cohortCount() <= 2 * ListTracker.MAX_COHORTS, "cohorts stay bounded: " + t.cohortCount());
        assertEquals(5002, t.length());
        for (int i = 0; i < 5002; i++) {
            t.popped(100);
        }
        assertEquals(5002, t.waits().count());
        double trueSum = (100 - 1.0) + (100 - 1.0004);
        for (int i = 0; i < 5000; i++) {
            trueSum += 100 - (2 + i * 0.01);
        }
        // merged cohorts keep their weighted first-seen, so the sum of waits stays exact; only the two pushes that
        // shared a millisecond differ, by 0.4 ms
        assertEquals(trueSum, t.waits().sum(), 0.0005);
    }
}
