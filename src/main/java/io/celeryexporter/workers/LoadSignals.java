package io.celeryexporter.workers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * A queue's two load signals, from the recent polls, as {@code loadavg} smooths a run queue (a single poll's figures
 * jump with each task that starts or ends, and an autoscaler fed those jumps flaps):
 *
 * <ul>
 *   <li><b>load</b>: (executing + backlog) ÷ slots, averaged over the last minute. Under 1 the workers keep up; past
 *       1, work waits.</li>
 *   <li><b>required replicas</b>, from Little's law: the mean task time s times the throughput needed, over the slots
 *       per replica: s × (rate + backlog ÷ drain time) ÷ slots per replica. It is the replicas that would run 100 %
 *       busy, whatever the replicas now: an autoscaler on it does not chase its own capacity.
 *       <ul>
 *         <li>s = mean executing ÷ start rate over the last five minutes. The task time is the work's own: a longer
 *             window keeps the noise of a minute's starts out of it.</li>
 *         <li>rate = the arrivals' trend, read the lead time ahead: a line fitted to the last two minutes of arrival
 *             rates, poll by poll. An autoscaler acts a scrape, a sync and a pod start-up after the rate moves; the
 *             lead lets it start on a rise (and let go on a fall) sooner. Until 90 s of arrivals are in, the last
 *             15 s of them. Where the workers started more over the last 30 s, that: the arrivals may be a lower
 *             bound, and while a backlog drains the starts lead.</li>
 *       </ul></li>
 * </ul>
 *
 * Unlike the queue's depth and age, which read 0 whenever the workers keep up, both track the capacity a steady load
 * needs. Time is passed in; not thread-safe.
 */
public final class LoadSignals {

    /** The load's window, and the span without a start that means idle or stuck: four HPA syncs at 15 s. */
    static final double WINDOW_SECONDS = 60;
    static final double TASK_TIME_WINDOW_SECONDS = 300;
    static final double TREND_WINDOW_SECONDS = 120;
    static final double TREND_MIN_SPAN_SECONDS = 90;
    /** Arrivals before a trend can be fitted: a short window, as they lead the starts when the workers fall behind. */
    static final double ARRIVAL_WINDOW_SECONDS = 15;
    static final double START_WINDOW_SECONDS = 30;
    /** Starts must be counted over at least this long before a rate is trusted. */
    static final double MIN_RATE_SPAN_SECONDS = 10;

    /** The two signals; either null where it cannot be computed. */
    public record Values(Double load, Double requiredReplicas) {
        public static final Values NONE = new Values(null, null);
    }

    private record Poll(double at, long executing, long slots, long backlog, long arrived, long started) {}

    private final double drainSeconds;
    private final double leadSeconds;
    private final ArrayDeque<Poll> polls = new ArrayDeque<>();
    private Set<String> groups;

    /**
     * @param drainSeconds how soon the required replicas should drain a backlog
     * @param leadSeconds  how far ahead the arrivals' trend is read
     */
    public LoadSignals(double drainSeconds, double leadSeconds) {
        this.drainSeconds = drainSeconds;
        this.leadSeconds = leadSeconds;
    }

    /**
     * Adds a poll: its demand (null where unknown: that restarts the windows, which never mix in a time when the
     * queue's workers were unknown, nor a change in their groups), the queue's backlog, and its arrivals so far (a
     * counter: exact with keyspace notifications, a lower bound otherwise).
     */
    public Values add(double at, QueueDemand demand, long backlog, long arrived) {
        if (demand == null || !demand.groups().equals(groups)) {
            polls.clear();
            groups = demand == null ? null : demand.groups();
            if (demand == null) {
                return Values.NONE;
            }
        }
        polls.addLast(new Poll(at, demand.executing(), demand.slots(), backlog, arrived, demand.started()));
        while (polls.peekFirst().at() <= at - TASK_TIME_WINDOW_SECONDS) {
            polls.pollFirst();
        }
        List<Poll> minute = since(at - WINDOW_SECONDS);
        double load = 0;
        double executing = 0;
        for (Poll p : minute) {
            load += (double) (p.executing() + p.backlog()) / p.slots();
            executing += p.executing();
        }
        load /= minute.size();
        executing /= minute.size();
        return new Values(load, requiredReplicas(minute, executing, demand));
    }

    private Double requiredReplicas(List<Poll> minute, double meanExecuting, QueueDemand now) {
        Poll first = minute.get(0);
        Poll last = polls.peekLast();
        if (last.at() - first.at() < MIN_RATE_SPAN_SECONDS) {
            return null;
        }
        if (last.started() == first.started()) {
            // nothing started for a minute: idle (nothing is needed) or stuck (no task time to go by)
            return meanExecuting == 0 && last.backlog() == 0 ? 0.0 : null;
        }
        double throughput = Math.max(perSecond(firstAfter(last.at() - START_WINDOW_SECONDS), last, Poll::started),
                arrivalRate(last));
        double slotsPerReplica = (double) now.slots() / now.workers();
        return taskSeconds() * (throughput + last.backlog() / drainSeconds) / slotsPerReplica;
    }

    /** Little's law over every poll kept: mean executing ÷ start rate. */
    private double taskSeconds() {
        double executing = 0;
        for (Poll p : polls) {
            executing += p.executing();
        }
        return executing / polls.size() / perSecond(polls.peekFirst(), polls.peekLast(), Poll::started);
    }

    private double arrivalRate(Poll last) {
        List<Poll> trend = since(last.at() - TREND_WINDOW_SECONDS);
        if (last.at() - trend.get(0).at() < TREND_MIN_SPAN_SECONDS) {
            return perSecond(firstAfter(last.at() - ARRIVAL_WINDOW_SECONDS), last, Poll::arrived);
        }
        int n = trend.size() - 1;
        double[] midpoints = new double[n];
        double[] rates = new double[n];
        double[] intervals = new double[n];
        for (int i = 0; i < n; i++) {
            Poll from = trend.get(i);
            Poll to = trend.get(i + 1);
            intervals[i] = to.at() - from.at();
            midpoints[i] = (from.at() + to.at()) / 2;
            rates[i] = perSecond(from, to, Poll::arrived);
        }
        return Math.max(0, WeightedLine.fit(midpoints, rates, intervals).at(last.at() + leadSeconds));
    }

    /** A counter's rate between two polls; 0 between a poll and itself. */
    private static double perSecond(Poll from, Poll to, ToLongFunction<Poll> counter) {
        return to.at() == from.at() ? 0 : (counter.applyAsLong(to) - counter.applyAsLong(from)) / (to.at() - from.at());
    }

    /** The first poll after {@code from}; the last where none is earlier. */
    private Poll firstAfter(double from) {
        for (Poll p : polls) {
            if (p.at() > from) {
                return p;
            }
        }
        return polls.peekLast();
    }

    /** The polls after {@code from}; at least the last. */
    private List<Poll> since(double from) {
        List<Poll> result = new ArrayList<>();
        for (Poll p : polls) {
            if (p.at() > from) {
                result.add(p);
            }
        }
        return result;
    }
}
