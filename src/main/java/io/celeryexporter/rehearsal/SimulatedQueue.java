package io.celeryexporter.rehearsal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/** The simulated queue, taken from the head; and the exporter's first-seen view of it. */
final class SimulatedQueue implements TaskQueue {

    private final ArrayDeque<QueuedTask> tasks = new ArrayDeque<>();

    @Override
    public void publish(QueuedTask task) {
        tasks.addLast(task);
    }

    @Override
    public QueuedTask take() {
        return tasks.pollFirst();
    }

    @Override
    public void restore(List<QueuedTask> restored) {
        for (int i = restored.size() - 1; i >= 0; i--) {
            tasks.addFirst(restored.get(i));
        }
    }

    @Override
    public int size() {
        return tasks.size();
    }

    @Override
    public Set<String> queuedIds() {
        Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.id()));
        return ids;
    }

    @Override
    public double oldestArrival() {
        double oldest = Double.NaN;
        for (QueuedTask t : tasks) { // restored tasks sit at the head with older arrivals than some behind them
            oldest = Double.isNaN(oldest) ? t.arrival() : Math.min(oldest, t.arrival());
        }
        return oldest;
    }

    /**
     * The exporter without a publish-time header: a task is first seen at the first poll at or after its arrival,
     * and ages are counted from then.
     */
    ExporterView firstSeen(double pollInterval) {
        return now -> {
            double oldest = 0;
            double sum = 0;
            for (QueuedTask t : tasks) {
                double firstSeen = Math.ceil(t.arrival() / pollInterval) * pollInterval;
                double age = Math.max(0, now - firstSeen);
                oldest = Math.max(oldest, age);
                sum += age;
            }
            return Map.of(MetricsPipeline.LENGTH, (double) tasks.size(), MetricsPipeline.OLDEST_AGE, oldest,
                    MetricsPipeline.AVERAGE_WAIT, tasks.isEmpty() ? 0 : sum / tasks.size());
        };
    }
}
