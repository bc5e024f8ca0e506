package io.celeryexporter.tracking;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>Memory is bounded: past {@link #MAX_COHORTS} the two neighbours closest in time merge (counts stay exact, ages
 * coarsen). Pure and single-threaded; time is passed in.
 */
public final class ListTracker {

    static final int MAX_COHORTS = 512;
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

    private final ArrayDeque<Cohort> cohorts = new ArrayDeque<>(4); // grows with the cohorts a list holds
    private final WaitHistogram waits = new WaitHistogram();
    private long length;
    private double lastPoll = Double.NEGATIVE_INFINITY;
    private long enqueued;
    private long dequeued;

    /**
     * The list's figures after one poll.
     *
     * @param headTimeClamped the head's own time contradicted what was seen, beyond the tolerance, and was clamped
     */
    public record View(long length, double oldestAge, boolean ageIsLowerBound, double waitSum, long enqueued,
                       long dequeued, boolean headTimeClamped) {}

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
            }
            enqueued += arrivals;
            if (stayingArrivals > 0) {
                cohorts.addLast(new Cohort(stayingArrivals, now, lastPoll, false));
            }
        }
        length = newLength;
        lastPoll = now;
        while (cohorts.size() > MAX_COHORTS) {
            mergeClosestNeighbours();
        }
        return view(observation, time);
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

    private void mergeClosestNeighbours() {
        List<Cohort> list = new ArrayList<>(cohorts);
        int best = 0;
        double bestGap = Double.MAX_VALUE;
        for (int i = 0; i + 1 < list.size(); i++) {
            double gap = list.get(i + 1).firstSeen() - list.get(i).firstSeen();
            if (gap < bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        Cohort a = list.get(best);
        Cohort b = list.get(best + 1);
        long count = a.count() + b.count();
        double firstSeen = (a.firstSeen() * a.count() + b.firstSeen() * b.count()) / count;
        list.set(best, new Cohort(count, firstSeen, Math.min(a.seenAfter(), b.seenAfter()),
                a.lowerBound() || b.lowerBound()));
        list.remove(best + 1);
        cohorts.clear();
        cohorts.addAll(list);
    }

    private View view(ListObservation observation, PollTime time) {
        double now = time.monotonicSeconds();
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
        return new View(length, oldestAge, lowerBound, waitSum, enqueued, dequeued, clamped);
    }

    public WaitHistogram.Snapshot waits() {
        return waits.snapshot();
    }

    int cohortCount() {
        return cohorts.size();
    }
}
