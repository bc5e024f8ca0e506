package io.celeryexporter.autoscaling;

import java.util.List;

/**
 * One entry of an autoscaling/v2 HPA's {@code spec.metrics}, as the controller sees it.
 *
 * @param source   Resource, Pods, Object or External
 * @param name     {@code cpu}/{@code memory} for Resource; the metric's name otherwise (for a KEDA trigger, the
 *                 trigger's name)
 * @param series   the exporter series the value comes from when rehearsing ({@code celery_queue_length}, ...), or the
 *                 resource name; null when no series is known (a trigger whose query names none)
 * @param target   what the controller aims for
 */
public record MetricSpec(Source source, String name, String series, Target target) {

    public enum Source { RESOURCE, PODS, OBJECT, EXTERNAL }

    public enum TargetType { UTILIZATION, AVERAGE_VALUE, VALUE }

    /** @param value percent of requests for Utilization; the quantity for AverageValue and Value */
    public record Target(TargetType type, double value) {}

    /** The list with one metric's target value replaced, for sweeps. */
    public static List<MetricSpec> retarget(List<MetricSpec> metrics, String name, double value) {
        if (metrics.stream().noneMatch(m -> m.name().equals(name))) {
            throw new IllegalArgumentException("the autoscaler has no metric named '" + name + "'");
        }
        return metrics.stream().map(m -> m.name().equals(name)
                ? new MetricSpec(m.source(), m.name(), m.series(), new Target(m.target().type(), value))
                : m).toList();
    }
}
