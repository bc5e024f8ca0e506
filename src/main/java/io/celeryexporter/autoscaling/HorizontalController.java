package io.celeryexporter.autoscaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntBinaryOperator;

/**
 * kube-controller-manager's reconcile of one HorizontalPodAutoscaler ({@code horizontal.go}): every metric proposes a
 * count, the largest wins, then either the legacy normalisation (no {@code behavior}) or the behavior path
 * (stabilization windows, then policy limits over their periods). It keeps the same in-memory history the controller
 * keeps: timestamped recommendations and scale events. Time is passed in; nothing here reads a clock.
 */
public final class HorizontalController {

    static final double SCALE_UP_LIMIT_FACTOR = 2.0;
    static final double SCALE_UP_LIMIT_MINIMUM = 4.0;

    record Recommendation(int replicas, double time) {}

    record ScaleEvent(int change, double time, boolean outdated) {}

    /** A count after a limit, with the ScalingLimited reason the controller would report. */
    public record Limited(int replicas, String reason) {}

    private final HpaSpec spec;
    private final ReplicaCalculator calculator;
    private final double downscaleStabilization;
    final List<Recommendation> recommendations = new ArrayList<>();
    final List<ScaleEvent> scaleUpEvents = new ArrayList<>();
    final List<ScaleEvent> scaleDownEvents = new ArrayList<>();

    public HorizontalController(HpaSpec spec, ReplicaCalculator calculator) {
        this(spec, calculator, ScalingRules.DEFAULT_DOWNSCALE_STABILIZATION);
    }

    HorizontalController(HpaSpec spec, ReplicaCalculator calculator, double downscaleStabilization) {
        this.spec = spec;
        this.calculator = calculator;
        this.downscaleStabilization = downscaleStabilization;
    }

    public HpaSpec spec() {
        return spec;
    }

    /**
     * One sync.
     *
     * @param specReplicas   the target's scale.spec.replicas before this sync
     * @param statusReplicas the pods that exist
     * @return the replicas the target should have after this sync
     */
    public int reconcile(double now, int specReplicas, int statusReplicas, List<Pod> pods, MetricSource metrics) {
        if (recommendations.isEmpty()) {
            recommendations.add(new Recommendation(specReplicas, now));
        }
        int min = spec.minReplicas();
        int desired;
        if (specReplicas == 0 && min != 0) {
            return 0; // ScalingDisabled: the target was scaled to zero by hand (or by KEDA)
        } else if (specReplicas > spec.maxReplicas()) {
            desired = spec.maxReplicas();
        } else if (specReplicas < min) {
            desired = min;
        } else {
            Optional<Integer> proposed = replicasForMetrics(now, specReplicas, statusReplicas, pods, metrics);
            if (proposed.isEmpty()) {
                return specReplicas;
            }
            desired = spec.behavior() == null
                    ? normalizeLegacy(now, specReplicas, proposed.get())
                    : normalizeWithBehavior(now, specReplicas, proposed.get());
        }
        if (desired != specReplicas) {
            storeScaleEvent(now, specReplicas, desired);
        }
        return desired;
    }

    /**
     * The largest proposal over the metrics. Empty (no scaling) when every metric failed, or when some failed and the
     * others would scale down.
     */
    Optional<Integer> replicasForMetrics(double now, int specReplicas, int statusReplicas, List<Pod> pods,
                                         MetricSource metrics) {
        int replicas = 0;
        int invalid = 0;
        for (MetricSpec metric : spec.metrics()) {
            Optional<MetricReading> reading = metrics.read(metric);
            if (reading.isEmpty()) {
                invalid++;
                continue;
            }
            try {
                int proposal = calculator.propose(metric, reading.get(), specReplicas, statusReplicas, pods, now,
                        tolerances());
                if (replicas == 0 || proposal > replicas) {
                    replicas = proposal;
                }
            } catch (MetricUnavailableException e) {
                invalid++;
            }
        }
        if (invalid >= spec.metrics().size() || (invalid > 0 && replicas < specReplicas)) {
            return Optional.empty();
        }
        return Optional.of(replicas);
    }

    private Tolerances tolerances() {
        if (spec.behavior() == null) {
            return Tolerances.DEFAULT;
        }
        return new Tolerances(spec.behavior().scaleDown().tolerance(), spec.behavior().scaleUp().tolerance());
    }

    int normalizeLegacy(double now, int current, int prenormalized) {
        int stabilized = stabilizeLegacy(now, prenormalized);
        return convertWithRules(current, stabilized, spec.minReplicas(), spec.maxReplicas()).replicas();
    }

    /** The highest recommendation of the downscale window; the newest replaces an expired slot. */
    int stabilizeLegacy(double now, int prenormalized) {
        int max = prenormalized;
        double cutoff = now - downscaleStabilization;
        int oldIndex = -1;
        for (int i = 0; i < recommendations.size(); i++) {
            Recommendation r = recommendations.get(i);
            if (r.time() < cutoff) {
                oldIndex = i;
            } else if (r.replicas() > max) {
                max = r.replicas();
            }
        }
        store(oldIndex, new Recommendation(prenormalized, now));
        return max;
    }

    static Limited convertWithRules(int current, int desired, int min, int max) {
        int scaleUpLimit = (int) Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
        int maximum;
        String reason;
        if (max > scaleUpLimit) {
            maximum = scaleUpLimit;
            reason = "ScaleUpLimit";
        } else {
            maximum = max;
            reason = "TooManyReplicas";
        }
        if (desired < min) {
            return new Limited(min, "TooFewReplicas");
        } else if (desired > maximum) {
            return new Limited(maximum, reason);
        }
        return new Limited(desired, "DesiredWithinRange");
    }

    int normalizeWithBehavior(double now, int current, int prenormalized) {
        int stabilized = stabilizeWithBehavior(now, current, prenormalized);
        return convertWithBehaviorRate(now, current, stabilized).replicas();
    }

    /**
     * The current count raised to the lowest recommendation of the scale-up window and lowered to the highest of the
     * scale-down window; a recommendation older than both windows makes room for the newest.
     */
    int stabilizeWithBehavior(double now, int current, int prenormalized) {
        double upCutoff = now - spec.behavior().scaleUp().stabilizationWindowSeconds();
        double downCutoff = now - spec.behavior().scaleDown().stabilizationWindowSeconds();
        int up = prenormalized;
        int down = prenormalized;
        int oldIndex = -1;
        for (int i = 0; i < recommendations.size(); i++) {
            Recommendation r = recommendations.get(i);
            if (r.time() > upCutoff) {
                up = Math.min(r.replicas(), up);
            }
            if (r.time() > downCutoff) {
                down = Math.max(r.replicas(), down);
            }
            if (r.time() < upCutoff && r.time() < downCutoff) {
                oldIndex = i;
            }
        }
        store(oldIndex, new Recommendation(prenormalized, now));
        int recommendation = current;
        if (recommendation < up) {
            recommendation = up;
        }
        if (recommendation > down) {
            recommendation = down;
        }
        return recommendation;
    }

    private void store(int oldIndex, Recommendation newest) {
        if (oldIndex >= 0) {
            recommendations.set(oldIndex, newest);
        } else {
            recommendations.add(newest);
        }
    }

    Limited convertWithBehaviorRate(double now, int current, int desired) {
        ScalingRules up = spec.behavior().scaleUp();
        ScalingRules down = spec.behavior().scaleDown();
        if (desired > current) {
            int limit = Math.max(current, scaleUpLimit(now, current, up));
            int maximum = Math.min(spec.maxReplicas(), limit);
            String reason = spec.maxReplicas() > limit ? "ScaleUpLimit" : "TooManyReplicas";
            if (desired > maximum) {
                return new Limited(maximum, reason);
            }
        } else if (desired < current) {
            int limit = Math.min(current, scaleDownLimit(now, current, down));
            int minimum = Math.max(spec.minReplicas(), limit);
            String reason = spec.minReplicas() < limit ? "ScaleDownLimit" : "TooFewReplicas";
            if (desired < minimum) {
                return new Limited(minimum, reason);
            }
        }
        return new Limited(desired, "DesiredWithinRange");
    }

    /** The most replicas the scale-up policies allow now, counted from where each policy's period started. */
    int scaleUpLimit(double now, int current, ScalingRules rules) {
        if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
        IntBinaryOperator select = min ? Math::min : Math::max;
        int result = min ? Integer.MAX_VALUE : 0;
        for (ScalingPolicy policy : rules.policies()) {
            int periodStart = periodStart(now, current, policy.periodSeconds());
            int proposed = policy.type() == ScalingPolicy.Type.PODS
                    ? periodStart + policy.value()
                    : (int) Math.ceil(periodStart * (1 + policy.value() / 100.0));
            result = select.applyAsInt(result, proposed);
        }
        return result;
    }

    /** The fewest replicas the scale-down policies allow now. */
    int scaleDownLimit(double now, int current, ScalingRules rules) {
        if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN; // the smallest change: the highest count
        IntBinaryOperator select = min ? Math::max : Math::min;
        int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (ScalingPolicy policy : rules.policies()) {
            int periodStart = periodStart(now, current, policy.periodSeconds());
            int proposed = policy.type() == ScalingPolicy.Type.PODS
                    ? periodStart - policy.value()
                    : (int) (periodStart * (1 - policy.value() / 100.0));
            result = select.applyAsInt(result, proposed);
        }
        return result;
    }

    /** The replicas when a policy's period began: scale-ups in it taken back, scale-downs added back. */
    private int periodStart(double now, int current, int periodSeconds) {
        return current - changeInPeriod(now, periodSeconds, scaleUpEvents)
                + changeInPeriod(now, periodSeconds, scaleDownEvents);
    }

    static int changeInPeriod(double now, int periodSeconds, List<ScaleEvent> events) {
        double cutoff = now - periodSeconds;
        int sum = 0;
        for (ScaleEvent e : events) {
            if (e.time() > cutoff) {
                sum += e.change();
            }
        }
        return sum;
    }

    /** Keeps the event for the policy periods; only the behavior path reads events, so only it stores them. */
    void storeScaleEvent(double now, int previous, int next) {
        if (spec.behavior() == null) {
            return;
        }
        boolean up = next > previous;
        List<ScaleEvent> events = up ? scaleUpEvents : scaleDownEvents;
        ScalingRules rules = up ? spec.behavior().scaleUp() : spec.behavior().scaleDown();
        double cutoff = now - rules.longestPeriod();
        int oldIndex = -1;
        for (int i = 0; i < events.size(); i++) {
            ScaleEvent e = events.get(i);
            if (e.time() < cutoff) {
                events.set(i, new ScaleEvent(e.change(), e.time(), true));
            }
            if (events.get(i).outdated()) {
                oldIndex = i;
            }
        }
        ScaleEvent event = new ScaleEvent(Math.abs(next - previous), now, false);
        if (oldIndex >= 0) {
            events.set(oldIndex, event);
        } else {
            events.add(event);
        }
    }
}
