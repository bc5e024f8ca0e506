package io.celeryexporter.rehearsal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A task's service time from what Prometheus recorded, where kube-state-metrics counted the worker Deployment's
 * replicas: in an interval when the queue held more tasks than the workers have slots, every slot was busy, so
 * {@code service time = replicas × slots per replica × interval / tasks taken in it}. The median over those
 * intervals, so a few odd ones (a deploy, a slow dependency) do not decide it.
 *
 * @param seconds   the estimate
 * @param intervals how many saturated intervals it rests on
 */
public record ServiceTimeEstimate(double seconds, int intervals) {

    /**
     * @param departures tasks taken per step ({@code celery_queue_dequeued_total}, on the arrivals' steps)
     * @param length     queue length at the start of each step (NaN unknown)
     * @param replicas   the Deployment's replicas at the start of each step (NaN unknown)
     * @param slots      task slots per replica ({@code --concurrency})
     * @return empty when no interval was saturated
     */
    public static Optional<ServiceTimeEstimate> of(RecordedArrivals departures, double[] length,
                                                             double[] replicas, int slots) {
        List<Double> estimates = new ArrayList<>();
        for (int i = 0; i < departures.steps(); i++) {
            long taken = departures.count(i);
            if (taken > 0 && replicas[i] > 0 && length[i] > replicas[i] * slots) {
                estimates.add(replicas[i] * slots * departures.step() / taken);
            }
        }
        if (estimates.isEmpty()) {
            return Optional.empty();
        }
        estimates.sort(null);
        int n = estimates.size();
        double median = n % 2 == 1 ? estimates.get(n / 2) : (estimates.get(n / 2 - 1) + estimates.get(n / 2)) / 2;
        return Optional.of(new ServiceTimeEstimate(median, n));
    }
}
