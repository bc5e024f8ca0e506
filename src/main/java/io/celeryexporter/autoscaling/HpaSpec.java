package io.celeryexporter.autoscaling;

import java.util.List;

/**
 * The parts of an autoscaling/v2 HorizontalPodAutoscaler spec that decide replicas.
 *
 * @param behavior null when the manifest has no {@code behavior}: the controller then takes its legacy path
 *                 (scale-up capped at max(2 x current, 4) per sync, the 5-minute downscale window)
 */
public record HpaSpec(String name, int minReplicas, int maxReplicas, List<MetricSpec> metrics, Behavior behavior) {

    public HpaSpec {
        metrics = List.copyOf(metrics);
    }

    /** Both directions, defaulted. */
    public record Behavior(ScalingRules scaleUp, ScalingRules scaleDown) {}

    public HpaSpec withMetrics(List<MetricSpec> replaced) {
        return new HpaSpec(name, minReplicas, maxReplicas, replaced, behavior);
    }
}
