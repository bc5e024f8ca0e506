package io.celeryexporter.workers;

import java.util.ArrayDeque;

/**
 * A queue's two load signals, from the last {@link #WINDOW_SECONDS} of polls, as {@code loadavg} smooths a run
 * queue (a single poll's figures jump with each task that starts or ends, and an autoscaler fed those jumps flaps):
 *
 * <ul>
 *   <li><b>load</b>: (executing + backlog) ÷ slots, averaged over the window. Under 1 the workers keep up; past 1,
 *       work waits.</li>
 *   <li><b>required replicas</b>, from Little's law: the mean task time s (mean executing ÷ start rate over the
 *       window) times the throughput needed, which is the arrival rate (or the start rate, where more) plus the
 *       backlog drained within the drain time, over the slots per replica: s × (rate + backlog ÷ drain time) ÷ slots
 *       per replica. It is the replicas that would run 100 % busy, whatever the replicas now: an autoscaler on it
 *       does not chase its own capacity.</li>
 * </ul>
 *
 * Unlike the queue's depth and age, which read 0 whenever the workers keep up, both track the capacity a steady load
 * needs. Time is passed in; not thread-safe.
 */
public final class LoadSignals {

    /** The window: four HPA syncs at the default 15 s. */
    public static final double WINDOW_SECONDS = 60;
    /** Starts must be counted over at least this long before a rate is trusted. */
    static final double MIN_RATE_SPAN_SECONDS = 10;
    /** Arrivals are counted over a shorter window: they lead the starts when the workers fall behind. */
    static final double ARRIVAL_WINDOW_SECONDS = 15;

    /** The two signals; either null where it cannot be computed. */
    public record Values(Double load, Double requiredReplicas) {
        public static final Values NONE = new Values(null, null);
    }

    private record Sample(double at, QueueDemand demand, long backlog, long arrived) {}

    private final double drainSeconds;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** @param drainSeconds how soon the required replicas should drain a backlog */
    public LoadSignals(double drainSeconds) {
        this.drainSeconds = drainSeconds;
    }

    /**
     * Adds a poll: its demand (null where unknown: that restarts the window, which never mixes in a time when the
     * queue's workers were unknown, nor a change in their groups), the queue's backlog, and its arrivals so far (a
     * counter: exact with keyspace notifications, a lower bound otherwise).
     */
    public Values add(double at, QueueDemand demand, long backlog, long arrived) {
        Sample last = samples.peekLast();
        if (demand == null || last != null && !last.demand().groups().equals(demand.groups())) {
            samples.clear();
            if (demand == null) {
                return Values.NONE;
            }
        }
        samples.addLast(new Sample(at, demand, backlog, arrived));
        while (samples.peekFirst().at() <= at - WINDOW_SECONDS) {
            samples.pollFirst();
        }
        double load = 0;
        double executing = 0;
        for (Sample s : samples) {
            load += (double) (s.demand().executing() + s.backlog()) / s.demand().slots();
            executing += s.demand().executing();
        }
        load /= samples.size();
        executing /= samples.size();
        return new Values(load, requiredReplicas(executing, demand, backlog, arrived));
    }

    private Double requiredReplicas(double meanExecuting, QueueDemand now, long backlog, long arrived) {
        Sample first = samples.peekFirst();
        double span = samples.peekLast().at() - first.at();
        if (span < MIN_RATE_SPAN_SECONDS) {
            return null;
        }
        double slotsPerReplica = (double) now.slots() / now.workers();
        double startRate = (now.started() - first.demand().started()) / span;
        if (startRate <= 0) {
            // nothing started: idle (nothing is needed) or stuck (no task time to go by)
            return meanExecuting == 0 && backlog == 0 ? 0.0 : null;
        }
        // the workers start at most what they can: while they fall behind, the arrivals lead (where they are counted
        // exactly; a lower bound never asks for less than the starts do)
        Sample recent = first;
        for (Sample s : samples) {
            if (s.at() >= samples.peekLast().at() - ARRIVAL_WINDOW_SECONDS) {
                recent = s;
                break;
            }
        }
        double recentSpan = samples.peekLast().at() - recent.at();
        double arrivalRate = recentSpan <= 0 ? 0 : (arrived - recent.arrived()) / recentSpan;
        double throughput = Math.max(startRate, arrivalRate);
        double taskSeconds = meanExecuting / startRate;
        return taskSeconds * (throughput + backlog / drainSeconds) / slotsPerReplica;
    }
}
