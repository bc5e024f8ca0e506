package io.celeryexporter.autoscaling.keda;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.HpaAutoscaler;
import io.celeryexporter.autoscaling.HpaSpec;
import io.celeryexporter.autoscaling.MetricReading;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.Pod;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A KEDA ScaledObject: KEDA's own loop every {@code pollingInterval} takes the workload from 0 to 1 when a trigger is
 * active and back to 0 after {@code cooldownPeriod} without activity; between 1 and max, the HPA it generates
 * ({@code keda-hpa-NAME}) scales, reading the triggers through KEDA's metrics server.
 *
 * <p>The generated HPA: {@code minReplicas = max(minReplicaCount, 1)}, {@code maxReplicas = maxReplicaCount}, one
 * External metric per trigger with the trigger's {@code metricType} (AverageValue by default) and {@code threshold}, or
 * with {@code scalingModifiers} one composite metric with the formula's target, CPU and memory triggers staying Resource
 * metrics; {@code behavior} from {@code advanced.horizontalPodAutoscalerConfig}.
 */
public final class KedaAutoscaler implements Autoscaler {

    /**
     * A trigger as a metric: its name, the series it reads, its threshold, and when it counts as active.
     *
     * @param emptyIsZero a prometheus trigger's {@code ignoreNullValues} (KEDA's default, true): a query that returns
     *                    no series reads 0, not a failure
     * @param path        how its value arrives: through Prometheus, or from the exporter's external scaler API
     *                    ({@code external}), which an {@code external-push} trigger also streams activity on
     * @param push        an {@code external-push} trigger: activity is pushed as it happens, so a workload at zero
     *                    wakes at once instead of at the next {@code pollingInterval}
     */
    public record Trigger(MetricSpec metric, double activationThreshold, boolean emptyIsZero, MetricSource.Path path,
                          boolean push) {

        public Trigger(MetricSpec metric, double activationThreshold, boolean emptyIsZero) {
            this(metric, activationThreshold, emptyIsZero, MetricSource.Path.PROMETHEUS, false);
        }

        public Trigger(MetricSpec metric, double activationThreshold) {
            this(metric, activationThreshold, false);
        }

        boolean isResource() {
            return metric.source() == MetricSpec.Source.RESOURCE;
        }
    }

    /** {@code advanced.scalingModifiers}. */
    public record Modifiers(Formula formula, double target, double activationTarget, MetricSpec.TargetType type) {}

    /** {@code fallback}: after this many failed reads in a row, the metric reads as if it asked for these replicas. */
    public record Fallback(int failureThreshold, int replicas) {}

    /**
     * The ScaledObject's fields that decide replicas.
     *
     * @param idleReplicaCount null when unset: then idle means {@code minReplicaCount}
     */
    public record Spec(String name, List<Trigger> triggers, int minReplicaCount, int maxReplicaCount,
                       Integer idleReplicaCount, double pollingInterval, double cooldownPeriod,
                       HpaSpec.Behavior behavior, Modifiers modifiers, Fallback fallback) {
        public Spec {
            triggers = List.copyOf(triggers);
        }

        Spec withTriggers(List<Trigger> replaced) {
            return new Spec(name, replaced, minReplicaCount, maxReplicaCount, idleReplicaCount, pollingInterval,
                    cooldownPeriod, behavior, modifiers, fallback);
        }

        Spec withModifiers(Modifiers replaced) {
            return new Spec(name, triggers, minReplicaCount, maxReplicaCount, idleReplicaCount, pollingInterval,
                    cooldownPeriod, behavior, replaced, fallback);
        }
    }

    static final String COMPOSITE = "composite-metric";

    private final Spec spec;
    private final double syncPeriod;
    private final ReplicaCalculator.Settings settings;
    private final HpaAutoscaler hpa;
    private final Map<String, Integer> failures = new HashMap<>();
    private double nextPoll = Double.NEGATIVE_INFINITY;
    private double lastActive = 0;

    public KedaAutoscaler(Spec spec, double syncPeriod, ReplicaCalculator.Settings settings) {
        this.spec = spec;
        this.syncPeriod = syncPeriod;
        this.settings = settings;
        this.hpa = new HpaAutoscaler(generatedHpa(spec), syncPeriod, settings);
    }

    /** The HPA KEDA creates for the ScaledObject. */
    public static HpaSpec generatedHpa(Spec spec) {
        List<MetricSpec> metrics = new ArrayList<>();
        for (Trigger t : spec.triggers()) {
            if (t.isResource() || spec.modifiers() == null) {
                metrics.add(t.metric());
            }
        }
        if (spec.modifiers() != null) {
            metrics.add(new MetricSpec(MetricSpec.Source.EXTERNAL, COMPOSITE, null,
                    new MetricSpec.Target(spec.modifiers().type(), spec.modifiers().target())));
        }
        return new HpaSpec("keda-hpa-" + spec.name(), Math.max(spec.minReplicaCount(), 1), spec.maxReplicaCount(),
                metrics, spec.behavior());
    }

    public HpaSpec hpa() {
        return hpa.spec();
    }

    /** The ScaledObject as read. */
    public Spec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public List<MetricSpec> inputs() {
        return spec.triggers().stream().map(Trigger::metric).toList();
    }

    @Override
    public int idleReplicas() {
        if (spec.minReplicaCount() > 0) {
            return spec.minReplicaCount();
        }
        return spec.idleReplicaCount() == null ? 0 : spec.idleReplicaCount();
    }

    @Override
    public int tick(double now, int specReplicas, int statusReplicas, List<Pod> pods, MetricSource sources) {
        MetricSource inputs = asScalersRead(sources);
        int replicas = specReplicas;
        if (replicas <= idleReplicas() && pushedActive(sources)) {
            lastActive = now;
            replicas = Math.max(spec.minReplicaCount(), 1);
        }
        if (now >= nextPoll) {
            nextPoll = now + spec.pollingInterval();
            boolean active = isActive(inputs);
            if (active) {
                lastActive = now;
            }
            if (replicas <= idleReplicas() && active) {
                replicas = Math.max(spec.minReplicaCount(), 1);
            } else if (replicas > idleReplicas() && !active && spec.minReplicaCount() == 0
                    && now - lastActive >= spec.cooldownPeriod()) {
                replicas = idleReplicas();
            }
        }
        if (replicas <= idleReplicas() && spec.minReplicaCount() == 0) {
            return replicas; // at idle the HPA is disabled (its target has 0 replicas, or KEDA holds it idle)
        }
        return hpa.tick(now, replicas, statusReplicas, pods, metricsServer(inputs));
    }

    @Override
    public boolean syncedLastTick() {
        return hpa.syncedLastTick();
    }

    /**
     * The triggers' values as KEDA's scalers read them, each by its own path: an empty result reads 0 where
     * {@code ignoreNullValues}.
     */
    private MetricSource asScalersRead(MetricSource sources) {
        return metric -> {
            Optional<Trigger> trigger = spec.triggers().stream()
                    .filter(t -> t.metric().name().equals(metric.name())).findFirst();
            Optional<MetricReading> reading = sources.read(metric,
                    trigger.map(Trigger::path).orElse(MetricSource.Path.PROMETHEUS));
            if (reading.isEmpty() && trigger.map(Trigger::emptyIsZero).orElse(false)) {
                return Optional.of(new MetricReading.Total(0));
            }
            return reading;
        };
    }

    /** An {@code external-push} trigger's stream says "active" now (KEDA scales a workload at zero up at once). */
    private boolean pushedActive(MetricSource sources) {
        for (Trigger t : spec.triggers()) {
            if (t.push() && total(sources.read(t.metric(), MetricSource.Path.LIVE))
                    .map(v -> v > t.activationThreshold()).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** Active when any non-resource trigger, or the formula, is above its activation threshold. */
    private boolean isActive(MetricSource inputs) {
        if (spec.modifiers() != null) {
            return formulaValue(inputs).map(v -> v > spec.modifiers().activationTarget()).orElse(false);
        }
        for (Trigger t : spec.triggers()) {
            if (!t.isResource() && total(inputs.read(t.metric())).map(v -> v > t.activationThreshold())
                    .orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** What the generated HPA reads from KEDA's metrics server: trigger values, the formula, or the fallback. */
    private MetricSource metricsServer(MetricSource inputs) {
        return metric -> {
            if (metric.name().equals(COMPOSITE)) {
                return withFallback(metric, formulaValue(inputs).map(MetricReading.Total::new));
            }
            if (metric.source() == MetricSpec.Source.RESOURCE) {
                return inputs.read(metric);
            }
            return withFallback(metric, inputs.read(metric));
        };
    }

    private Optional<MetricReading> withFallback(MetricSpec metric, Optional<MetricReading> reading) {
        if (reading.isPresent()) {
            failures.put(metric.name(), 0);
            return reading;
        }
        int failed = failures.merge(metric.name(), 1, Integer::sum);
        if (spec.fallback() != null && failed >= spec.fallback().failureThreshold()) {
            return Optional.of(new MetricReading.Total(spec.fallback().replicas() * metric.target().value()));
        }
        return Optional.empty();
    }

    private Optional<Double> formulaValue(MetricSource inputs) {
        Map<String, Double> values = new HashMap<>();
        for (Trigger t : spec.triggers()) {
            if (!t.isResource()) {
                Optional<Double> v = total(inputs.read(t.metric()));
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                values.put(t.metric().name(), v.get());
            }
        }
        return Optional.of(spec.modifiers().formula().evaluate(values));
    }

    private static Optional<Double> total(Optional<MetricReading> reading) {
        return reading.filter(MetricReading.Total.class::isInstance)
                .map(r -> ((MetricReading.Total) r).value());
    }

    @Override
    public KedaAutoscaler withTarget(String input, double value) {
        if (input.equals(COMPOSITE) && spec.modifiers() != null) {
            Modifiers m = spec.modifiers();
            return new KedaAutoscaler(spec.withModifiers(new Modifiers(m.formula(), value, m.activationTarget(),
                    m.type())), syncPeriod, settings);
        }
        List<MetricSpec> retargeted = MetricSpec.retarget(inputs(), input, value);
        List<Trigger> triggers = new ArrayList<>();
        for (int i = 0; i < spec.triggers().size(); i++) {
            Trigger old = spec.triggers().get(i);
            triggers.add(new Trigger(retargeted.get(i), old.activationThreshold(), old.emptyIsZero(), old.path(),
                    old.push()));
        }
        return new KedaAutoscaler(spec.withTriggers(triggers), syncPeriod, settings);
    }
}
