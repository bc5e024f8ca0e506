package io.celeryexporter.tracking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * First-seen tracking of one Redis list from poll to poll, at no Redis cost beyond the arrival count.
 *
 * <p>The list is modelled as cohorts, oldest first: each holds the elements first seen at one poll. Producers LPUSH
 * at the newest end and workers BRPOP at the oldest end, so between two polls {@code arrivals} join as a new cohort
 * and {@code departures = previous length + arrivals - length} leave from the oldest cohorts, each having waited
 * {@code now - firstSeen}. The error of every figure is at most one poll interval.
 *
 * <p>Defined behaviour for the cases FIFO alone does not cover:
 * <ul>
 *   <li><b>Exporter start</b>: elements already queued form one cohort first seen now, flagged as a lower bound until
 *       it has drained.</li>
 *   <li><b>Restores</b> (kombu RPUSHes unacked messages back to the consuming end): seen as negative departures.
 *       They join at the oldest end with the age of the oldest cohort (they were taken before it), flagged as a
 *       lower bound.</li>
 *   <li><b>Reject-requeue</b> (LPUSH at the newest end): indistinguishable from an arrival; counted as enqueued, and
 *       its wait starts again.</li>
 *   <li><b>Drained and refilled between two polls</b>: the previous newest element is gone, so every earlier element
 *       departed and the whole list is arrivals.</li>
 *   <li>Tasks that arrive and leave between two polls are never seen; their wait is observed as 0.</li>
 * </ul>
 *
 * <p>First-seen times run on the monotonic clock of {@link PollTime}, so a step of the wall clock moves no age or
 * wait. A time the message itself carries (publish header) is on the producer's wall clock; it is more precise than
 * first-seen, but where it contradicts what was seen (the task would have arrived before it was first seen, or
 * after the poll before that) by more than {@link #SKEW_TOLERANCE_SECONDS}, one of the two clocks has stepped or is
 * off: the age is clamped into what was seen, and the view says so.
 *
 * <p>Where Redis announces every change of the list (keyspace notifications), the tracker is fed those instead:
 * {@link #pushed}, {@link #restored}, {@link #popped} and {@link #poppedNewest}, each at the moment it was received.
 * First-seen is then the arrival itself, within milliseconds, so waits, ages and counts are exact, and the polled
 * length only checks the model ({@link #correct} when events went missing).
 *
 * <p>Memory is bounded: past {@link #MAX_COHORTS} the neighbours closest in time merge (counts stay exact, ages
 * coarsen). Pure and single-threaded; time is passed in.
 */
public final class ListTracker {

    static final int MAX_COHORTS = 512;
    /** Pushes received this close together (seconds) share a cohort: below the histogram's resolution. */
    static final double SAME_MOMENT = 0.001;
    /** How far a message's own time may stray from what was seen before it counts as clock skew. */
    public static final double SKEW_TOLERANCE_SECONDS = 1.0;

    /**
     * Elements first seen at one poll.
     *
     * @param firstSeen  monotonic seconds of the poll that first saw them: they waited at least since then
     * @param seenAfter  monotonic seconds of the poll before, when they were not there yet; -infinity when unknown
     * @param lowerBound their arrival is unknown (queued before the start, or restored), so waits are lower bounds
     */
    private record Cohort(long count, double firstSeen, double seenAfter, boolean lowerBound) {}

    // as small as can be: most lists of a multi-tenant broker (unused priorities) never hold a cohort
    private final ArrayDeque<Cohort> cohorts = new ArrayDeque<>(0);
    private final WaitHistogram waits = new WaitHistogram();
    private long length;
    private double lastPoll = Double.NEGATIVE_INFINITY;
    private long enqueued;
    private long dequeued;
    private long restored;

    /**
     * The list's figures after one poll.
     *
     * @param headTimeClamped the head's own time contradicted what was seen, beyond the tolerance, and was clamped
     */
    public record View(long length, double oldestAge, boolean ageIsLowerBound, double waitSum, long enqueued,
                       long dequeued, long restored, boolean headTimeClamped) {}

    public View update(ListObservation observation, PollTime time) {
        double now = time.monotonicSeconds();
        long newLength = observation.length();
        if (observation.arrivals() < 0) {
            cohorts.clear();
            if (newLength > 0) {
                cohorts.add(new Cohort(newLength, now, Double.NEGATIVE_INFINITY, true));
            }
        } else {
            long arrivals = observation.arrivals();
            long departures = length + arrivals - newLength;
            long stayingArrivals = arrivals;
            if (departures >= 0) {
                long fromQueued = Math.min(departures, length);
                depart(fromQueued, now);
                long arrivedAndLeft = departures - fromQueued;
                waits.observe(0, arrivedAndLeft);
                stayingArrivals -= arrivedAndLeft;
                dequeued += departures;
            } else {
                double restoredSince = cohorts.isEmpty() ? now : cohorts.peekFirst().firstSeen();
                cohorts.addFirst(new Cohort(-departures, restoredSince, Double.NEGATIVE_INFINITY, true));
                restored -= departures;
            }
            enqueued += arrivals;
            if (stayingArrivals > 0) {
                cohorts.addLast(new Cohort(stayingArrivals, now, lastPoll, false));
            }
        }
        length = newLength;
        coarsen(MAX_COHORTS);
        return viewAt(observation, time);
    }

    /** One element pushed at the newest end (LPUSH), received at monotonic {@code at}: an arrival. */
    public void pushed(double at) {
        Cohort newest = cohorts.peekLast();
        if (newest != null && !newest.lowerBound() && at - newest.firstSeen() < SAME_MOMENT) {
            cohorts.pollLast();
            cohorts.addLast(new Cohort(newest.count() + 1, newest.firstSeen(), newest.seenAfter(), false));
        } else {
            cohorts.addLast(new Cohort(1, at, at, false));
        }
        length++;
        enqueued++;
        coarsen(2 * MAX_COHORTS);
    }

    /**
     * One element pushed back at the oldest end (RPUSH: a kombu restore). It was taken before every element now
     * queued, so it has waited at least as long as the oldest; how much longer is unknown.
     */
    public void restored(double at) {
        double since = cohorts.isEmpty() ? at : cohorts.peekFirst().firstSeen();
        cohorts.addFirst(new Cohort(1, since, Double.NEGATIVE_INFINITY, true));
        length++;
        restored++;
        coarsen(2 * MAX_COHORTS);
    }

    /** The oldest element taken (RPOP, BRPOP): a departure. Ignored when the model holds nothing to take. */
    public void popped(double at) {
        if (length == 0) {
            return; // the model missed its arrival; the next check against a snapshot corrects the length
        }
        depart(1, at);
        length--;
        dequeued++;
    }

    /** The newest element taken (LPOP): a departure from the wrong end, which Celery does not do but a user may. */
    public void poppedNewest(double at) {
        Cohort newest = cohorts.pollLast();
        if (newest == null) {
            return;
        }
        if (!newest.lowerBound()) {
            waits.observe(at - newest.firstSeen(), 1);
        }
        if (newest.count() > 1) {
            cohorts.addLast(new Cohort(newest.count() - 1, newest.firstSeen(), newest.seenAfter(),
                    newest.lowerBound()));
        }
        length--;
        dequeued++;
    }

    /** The length the tracker's model holds: the last snapshot's, moved by every event since. */
    public long length() {
        return length;
    }

    /**
     * Brings the model to the length a snapshot read, when the events did not explain it (some went missing: the
     * subscription dropped, or a command Redis does not announce as a push or pop changed the list). Missing
     * elements join at the newest end as lower bounds; surplus ones leave from the oldest end, as departures.
     */
    public void correct(long actualLength, double at) {
        long missing = actualLength - length;
        if (missing > 0) {
            cohorts.addLast(new Cohort(missing, at, Double.NEGATIVE_INFINITY, true));
            enqueued += missing;
        } else if (missing < 0) {
            depart(-missing, at);
            dequeued -= missing;
        }
        length = actualLength;
    }

    private void depart(long count, double now) {
        long left = count;
        while (left > 0) {
            Cohort oldest = cohorts.pollFirst();
            long taken = Math.min(left, oldest.count());
            if (!oldest.lowerBound()) {
                waits.observe(now - oldest.firstSeen(), taken);
            }
            if (taken < oldest.count()) {
                cohorts.addFirst(new Cohort(oldest.count() - taken, oldest.firstSeen(), oldest.seenAfter(),
                        oldest.lowerBound()));
            }
            left -= taken;
        }
    }

    /**
     * Past {@code limit} cohorts, merges neighbours closest in time until {@link #MAX_COHORTS} are left: one pass
     * merges every gap up to the threshold that frees enough slots, so the cost is O(n log n) per
     * {@code limit - MAX_COHORTS} cohorts added, not per cohort.
     */
    private void coarsen(int limit) {
        while (cohorts.size() > limit) {
            List<Cohort> list = new ArrayList<>(cohorts);
            double[] gaps = new double[list.size() - 1];
            for (int i = 0; i < gaps.length; i++) {
                gaps[i] = list.get(i + 1).firstSeen() - list.get(i).firstSeen();
            }
            int merges = list.size() - MAX_COHORTS;
            double[] sorted = gaps.clone();
            Arrays.sort(sorted);
            double threshold = sorted[merges - 1];
            cohorts.clear();
            Cohort current = list.get(0);
            for (int i = 1; i < list.size(); i++) {
                if (merges > 0 && gaps[i - 1] <= threshold) {
                    current = merged(current, list.get(i));
                    merges--;
                } else {
                    cohorts.addLast(current);
                    current = list.get(i);
                }
            }
            cohorts.addLast(current);
            limit = MAX_COHORTS;
        }
    }

    private static Cohort merged(Cohort a, Cohort b) {
        long count = a.count() + b.count();
        double firstSeen = (a.firstSeen() * a.count() + b.firstSeen() * b.count()) / count;
        return new Cohort(count, firstSeen, Math.min(a.seenAfter(), b.seenAfter()), a.lowerBound() || b.lowerBound());
    }

    /**
     * The list's figures now, with the message-level facts of the snapshot ({@code observation}: its head's own
     * time); the length is the model's.
     */
    public View viewAt(ListObservation observation, PollTime time) {
        double now = time.monotonicSeconds();
        lastPoll = now;
        double waitSum = 0;
        for (Iterator<Cohort> it = cohorts.iterator(); it.hasNext(); ) {
            Cohort c = it.next();
            waitSum += c.count() * Math.max(0, now - c.firstSeen());
        }
        double oldestAge = 0;
        boolean lowerBound = false;
        boolean clamped = false;
        if (length > 0 && !observation.headNotDue()) {
            Cohort oldest = cohorts.peekFirst();
            double seenAge = Math.max(0, now - oldest.firstSeen());
            if (Double.isNaN(observation.headTime())) {
                oldestAge = seenAge;
                lowerBound = oldest.lowerBound();
            } else {
                oldestAge = Math.max(0, time.wallSeconds() - observation.headTime());
                if (observation.headTimeIsArrival()) {
                    double mostSeen = now - oldest.seenAfter(); // +infinity when the arrival was not seen
                    clamped = oldestAge < seenAge - SKEW_TOLERANCE_SECONDS
                            || oldestAge > mostSeen + SKEW_TOLERANCE_SECONDS;
                    oldestAge = Math.min(Math.max(oldestAge, seenAge), mostSeen);
                }
            }
        }
        return new View(length, oldestAge, lowerBound, waitSum, enqueued, dequeued, restored, clamped);
    }

    public WaitHistogram.Snapshot waits() {
        return waits.snapshot();
    }

    int cohortCount() {
        return cohorts.size();
    }
}
