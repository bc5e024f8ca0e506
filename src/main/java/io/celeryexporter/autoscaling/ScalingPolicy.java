package io.celeryexporter.autoscaling;

/** One {@code behavior.scaleUp|scaleDown.policies[]} entry: at most {@code value} pods or percent per period. */
public record ScalingPolicy(Type type, int value, int periodSeconds) {

    public enum Type { PODS, PERCENT }
}
