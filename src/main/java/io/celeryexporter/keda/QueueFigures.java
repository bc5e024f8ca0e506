package io.celeryexporter.keda;

import io.celeryexporter.autoscaling.keda.ScalerMetric;
import io.celeryexporter.poll.QueueStats;

/** A trigger's metric in one poll's figures of its queue. */
final class QueueFigures {

    private QueueFigures() {}

    /** Null where the exporter has no value (as its series would be absent). */
    static Double valueOf(ScalerMetric metric, QueueStats queue) {
        return switch (metric) {
            case BACKLOG -> queue.backlog() == null ? null : queue.backlog().doubleValue();
            case LENGTH -> (double) queue.length();
            case OLDEST_AGE -> queue.waiting().oldestAge();
            case LOAD -> queue.load().load();
            case REQUIRED_REPLICAS -> queue.load().requiredReplicas();
        };
    }
}
