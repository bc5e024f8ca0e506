package io.celeryexporter.autoscaling;

/** The band around a usage ratio of 1 inside which the controller keeps the current count. */
public record Tolerances(double scaleDown, double scaleUp) {

    public static final Tolerances DEFAULT =
            new Tolerances(ScalingRules.DEFAULT_TOLERANCE, ScalingRules.DEFAULT_TOLERANCE);

    boolean isWithin(double ratio) {
        return 1 - scaleDown <= ratio && ratio <= 1 + scaleUp;
    }
}
