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
 * <p>Memory is bounded: past {@link #MAX_COHORTS} the two neighbours closest in time merge (counts stay exact, ages
 * coarsen). Pure and single-threaded; time is passed in.
 */
public final class ListTracker {

    static final int MAX_COHORTS = 512;

    private record Cohort(long count, double firstSeen, boolean lowerBound) {}

    private final ArrayDeque<Cohort> cohorts = new ArrayDeque<>();
    private final WaitHistogram waits = new WaitHistogram();
    private long length;
    private long enqueued;
    private long dequeued;

    /** The list's figures after one poll. */
    public record View(long length, double oldestAge, boolean ageIsLowerBound, double waitSum, long enqueued,
                       long dequeued) {}

    public View update(ListObservation observation, double now) {
        long newLength = observation.length();
        if (observation.arrivals() < 0) {
            cohorts.clear();
            if (newLength > 0) {
                cohorts.add(new Cohort(newLength, now, true));
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
                cohorts.addFirst(new Cohort(-departures, restoredSince, true));
            }
            enqueued += arrivals;
            if (stayingArrivals > 0) {
                cohorts.addLast(new Cohort(stayingArrivals, now, false));
            }
        }
        length = newLength;
        while (cohorts.size() > MAX_COHORTS) {
            mergeClosestNeighbours();
        }
        return view(observation, now);
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
                cohorts.addFirst(new Cohort(oldest.count() - taken, oldest.firstSeen(), oldest.lowerBound()));
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
        list.set(best, new Cohort(count, firstSeen, a.lowerBound() || b.lowerBound()));
        list.remove(best + 1);
        cohorts.clear();
        cohorts.addAll(list);
    }

    private View view(ListObservation observation, double now) {
        double waitSum = 0;
        for (Iterator<Cohort> it = cohorts.iterator(); it.hasNext(); ) {
            Cohort c = it.next();
            waitSum += c.count() * Math.max(0, now - c.firstSeen());
        }
        double oldestAge = 0;
        boolean lowerBound = false;
        if (length > 0 && !observation.headNotDue()) {
            if (!Double.isNaN(observation.headTime())) {
                oldestAge = Math.max(0, now - observation.headTime());
            } else {
                Cohort oldest = cohorts.peekFirst();
                oldestAge = Math.max(0, now - oldest.firstSeen());
                lowerBound = oldest.lowerBound();
            }
        }
        return new View(length, oldestAge, lowerBound, waitSum, enqueued, dequeued);
    }

    public WaitHistogram.Snapshot waits() {
        return waits.snapshot();
    }

    int cohortCount() {
        return cohorts.size();
    }
}
