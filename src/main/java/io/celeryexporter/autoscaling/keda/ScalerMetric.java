package io.celeryexporter.autoscaling.keda;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a KEDA {@code external} or {@code external-push} trigger pointed at the exporter may scale on (its
 * {@code metric} metadata): the queue figures the exporter also serves as Prometheus series.
 */
public enum ScalerMetric {
    /** Tasks waiting to start, in the queue or a live worker's prefetch buffer. */
    BACKLOG("backlog", "celery_queue_backlog", 50),
    /** Tasks in the queue, every priority. */
    LENGTH("length", "celery_queue_length", 10),
    /** Seconds the oldest queued task has waited. */
    OLDEST_AGE("oldest_age", "celery_queue_oldest_task_age_seconds", 30),
    /** (executing + backlog) ÷ slots of the queue's workers. */
    LOAD("load", "celery_queue_load", 0.8),
    /** The replicas the queue needs at 100 % busy. */
    REQUIRED_REPLICAS("required_replicas", "celery_queue_required_replicas", 1);

    private final String key;
    private final String series;
    private final double defaultTarget;

    ScalerMetric(String key, String series, double defaultTarget) {
        this.key = key;
        this.series = series;
        this.defaultTarget = defaultTarget;
    }

    /** The name in the trigger's metadata. */
    public String key() {
        return key;
    }

    /** The exporter's series with the same figure. */
    public String series() {
        return series;
    }

    /** The target where the trigger sets none: the shipped autoscalers' own. */
    public double defaultTarget() {
        return defaultTarget;
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
