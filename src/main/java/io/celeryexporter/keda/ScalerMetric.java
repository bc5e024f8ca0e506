package io.celeryexporter.keda;

import io.celeryexporter.poll.QueueStats;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a KEDA trigger may scale on: the queue figures the exporter serves as Prometheus series. */
public enum ScalerMetric {
    /** Tasks waiting to start, in the queue or a live worker's prefetch buffer ({@code celery_queue_backlog}). */
    BACKLOG("backlog", 50),
    /** Tasks in the queue, every priority ({@code celery_queue_length}). */
    LENGTH("length", 10),
    /** Seconds the oldest queued task has waited ({@code celery_queue_oldest_task_age_seconds}). */
    OLDEST_AGE("oldest_age", 30),
    /** (executing + backlog) ÷ slots of the queue's workers ({@code celery_queue_load}). */
    LOAD("load", 0.8),
    /** The replicas the queue needs at 100 % busy ({@code celery_queue_required_replicas}). */
    REQUIRED_REPLICAS("required_replicas", 1);

    private final String key;
    private final double defaultTarget;

    ScalerMetric(String key, double defaultTarget) {
        this.key = key;
        this.defaultTarget = defaultTarget;
    }

    /** The name in the trigger's metadata. */
    public String key() {
        return key;
    }

    /** The target where the trigger sets none: the shipped autoscalers' own. */
    public double defaultTarget() {
        return defaultTarget;
    }

    /** Its value in one poll's figures; null where the exporter has none (as its series would be absent). */
    public Double valueIn(QueueStats queue) {
        return switch (this) {
            case BACKLOG -> queue.backlog() == null ? null : queue.backlog().doubleValue();
            case LENGTH -> (double) queue.length();
            case OLDEST_AGE -> queue.waiting().oldestAge();
            case LOAD -> queue.load().load();
            case REQUIRED_REPLICAS -> queue.load().requiredReplicas();
        };
    }

    /** Whether an arrival raises it by one: then the first task can wake a pool before the next poll. */
    public boolean countsArrivals() {
        return this == BACKLOG || this == LENGTH;
    }

    public static ScalerMetric of(String key) {
        for (ScalerMetric m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric '" + key + "' is not one of " + keys());
    }

    static String keys() {
        return Arrays.stream(values()).map(ScalerMetric::key).collect(Collectors.joining(", "));
    }
}
