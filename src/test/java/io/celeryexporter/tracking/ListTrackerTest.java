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
}
