package io.celeryexporter.autoscaling;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import java.util.function.ToDoubleFunction;

/**
 * The autoscaling/v2 replica calculation of kube-controller-manager (replica_calculator.go, horizontal.go), for one
 * sync: each metric proposes a count, the largest wins, min/max clamp it. Behaviour policies (rate limits,
 * stabilisation windows) are not modelled: they only slow the way to the same target.
 */
final class HpaCalculator {

    /** kube-controller-manager's default --horizontal-pod-autoscaler-tolerance. */
    static final double TOLERANCE = 0.1;

    private HpaCalculator() {}

    /**
     * @param current   the scale target's current replicas (status.replicas)
     * @param readyPods pods that are running and ready
     * @param valueOf   the metric's current value: the sum of the external metric's items, the average of a Pods
     *                  metric, or the CPU utilisation in percent of requests
     */
    static int desiredReplicas(HorizontalPodAutoscaler hpa, int current, int readyPods,
                               ToDoubleFunction<MetricSpec> valueOf) {
        int desired = 0;
        for (MetricSpec metric : hpa.getSpec().getMetrics()) {
            desired = Math.max(desired, proposal(metric, current, readyPods, valueOf.applyAsDouble(metric)));
        }
        int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        return Math.max(min, Math.min(hpa.getSpec().getMaxReplicas(), desired));
    }

    static int proposal(MetricSpec metric, int current, int readyPods, double value) {
        MetricTarget target = target(metric);
        switch (target.getType()) {
            case "AverageValue" -> {
                double perPod = target.getAverageValue().getNumericalAmount().doubleValue();
                if (metric.getType().equals("External")) { // usage / (target x replicas), then ceil(usage / target)
                    double ratio = value / (perPod * current);
                    return withinTolerance(ratio) ? current : (int) Math.ceil(value / perPod);
                }
                double ratio = value / perPod; // Pods: value is the average over the pods
                return withinTolerance(ratio) ? current : (int) Math.ceil(ratio * readyPods);
            }
            case "Value" -> {
                double ratio = value / target.getValue().getNumericalAmount().doubleValue();
                return withinTolerance(ratio) ? current : (int) Math.ceil(ratio * readyPods);
            }
            case "Utilization" -> {
                double ratio = value / target.getAverageUtilization();
                return withinTolerance(ratio) ? current : (int) Math.ceil(ratio * readyPods);
            }
            default -> throw new IllegalArgumentException("unknown target type " + target.getType());
        }
    }

    static MetricTarget target(MetricSpec metric) {
        return switch (metric.getType()) {
            case "External" -> metric.getExternal().getTarget();
            case "Pods" -> metric.getPods().getTarget();
            case "Resource" -> metric.getResource().getTarget();
            case "Object" -> metric.getObject().getTarget();
            default -> throw new IllegalArgumentException("unknown metric type " + metric.getType());
        };
    }

    private static boolean withinTolerance(double ratio) {
        return Math.abs(ratio - 1.0) <= TOLERANCE;
    }
}
