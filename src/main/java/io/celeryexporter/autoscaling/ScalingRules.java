package io.celeryexporter.autoscaling;

import java.util.List;

/**
 * {@code behavior.scaleUp} or {@code behavior.scaleDown}, every field filled: what the API server stores after
 * defaulting (pkg/apis/autoscaling/v2/defaults.go) and the controller's downscale window.
 *
 * @param tolerance the per-direction tolerance ({@code HPAConfigurableTolerance}); the controller's 0.1 when unset
 */
public record ScalingRules(int stabilizationWindowSeconds, SelectPolicy selectPolicy, List<ScalingPolicy> policies,
                           double tolerance) {

    public enum SelectPolicy { MAX, MIN, DISABLED }

    /** kube-controller-manager's --horizontal-pod-autoscaler-tolerance. */
    public static final double DEFAULT_TOLERANCE = 0.1;
    /** kube-controller-manager's --horizontal-pod-autoscaler-downscale-stabilization, in seconds. */
    public static final int DEFAULT_DOWNSCALE_STABILIZATION = 300;

    public static final ScalingRules DEFAULT_SCALE_UP = new ScalingRules(0, SelectPolicy.MAX,
            List.of(new ScalingPolicy(ScalingPolicy.Type.PODS, 4, 15),
                    new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15)), DEFAULT_TOLERANCE);

    public static final ScalingRules DEFAULT_SCALE_DOWN = new ScalingRules(DEFAULT_DOWNSCALE_STABILIZATION,
            SelectPolicy.MAX, List.of(new ScalingPolicy(ScalingPolicy.Type.PERCENT, 100, 15)), DEFAULT_TOLERANCE);

    public ScalingRules {
        policies = List.copyOf(policies);
    }

    /** The longest policy period: scale events older than that are no longer needed. */
    int longestPeriod() {
        return policies.stream().mapToInt(ScalingPolicy::periodSeconds).max().orElse(0);
    }
}
