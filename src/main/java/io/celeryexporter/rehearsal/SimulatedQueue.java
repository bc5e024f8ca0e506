package io.celeryexporter.rehearsal;

import java.util.ArrayDeque;
import java.util.Map;

/** The simulated queue: arrival times, oldest first, taken FIFO; and the exporter's first-seen view of it. */
final class SimulatedQueue implements TaskQueue {

    private final ArrayDeque<Double> arrivals = new ArrayDeque<>();

    @Override
    public void publish(double arrival) {
        arrivals.addLast(arrival);
    }

    @Override
    public double take() {
        Double next = arrivals.pollFirst();
        return next == null ? Double.NaN : next;
    }

    @Override
    public int size() {
        return arrivals.size();
    }

    @Override
    public double oldestArrival() {
        Double oldest = arrivals.peekFirst();
        return oldest == null ? Double.NaN : oldest;
    }

    /**
     * The exporter without a publish-time header: a task is first seen at the first poll at or after its arrival,
     * and ages are counted from then.
     */
    ExporterView firstSeen(double pollInterval) {
        return now -> {
            double oldest = 0;
            double sum = 0;
            for (double arrival : arrivals) {
                double firstSeen = Math.ceil(arrival / pollInterval) * pollInterval;
                double age = Math.max(0, now - firstSeen);
                oldest = Math.max(oldest, age);
                sum += age;
            }
            return Map.of(MetricsPipeline.LENGTH, (double) arrivals.size(), MetricsPipeline.OLDEST_AGE, oldest,
                    MetricsPipeline.AVERAGE_WAIT, arrivals.isEmpty() ? 0 : sum / arrivals.size());
        };
    }
}
