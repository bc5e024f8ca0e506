package io.celeryexporter.autoscaling;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-metric replica proposals of kube-controller-manager ({@code replica_calculator.go}): pure functions of the
 * metric, the pods and the time. Quantities are compared as the controller does after its milli conversion only where
 * it truncates (CPU utilization is an integer percent).
 */
public final class ReplicaCalculator {

    /**
     * @param cpuInitializationPeriod    --horizontal-pod-autoscaler-cpu-initialization-period (5 min)
     * @param initialReadinessDelay      --horizontal-pod-autoscaler-initial-readiness-delay (30 s)
     * @param metricWindow               how much usage a CPU sample covers (metrics-server's window)
     */
    public record Settings(double cpuInitializationPeriod, double initialReadinessDelay, double metricWindow) {
        public static final Settings DEFAULT = new Settings(300, 30, 30);
    }

    private final Settings settings;

    public ReplicaCalculator(Settings settings) {
        this.settings = settings;
    }

    /**
     * The replicas one metric asks for.
     *
     * @param specReplicas   scale.spec.replicas
     * @param statusReplicas scale.status.replicas (pods that exist)
     */
    public int propose(MetricSpec metric, MetricReading reading, int specReplicas, int statusReplicas, List<Pod> pods,
                       double now, Tolerances tolerances) throws MetricUnavailableException {
        MetricSpec.Target target = metric.target();
        return switch (metric.source()) {
            case EXTERNAL, OBJECT -> {
                double usage = total(reading, metric);
                if (target.type() == MetricSpec.TargetType.AVERAGE_VALUE) {
                    yield perPodOfTotal(usage, target.value(), statusReplicas, tolerances);
                }
                yield usageRatioReplicas(usage / target.value(), specReplicas, pods, tolerances);
            }
            case PODS -> plainMetricReplicas(perPod(reading, metric), specReplicas, target.value(), pods, now,
                    false, tolerances);
            case RESOURCE -> {
                boolean cpu = metric.name().equals("cpu");
                Map<String, MetricReading.PodValue> values = perPod(reading, metric);
                if (target.type() == MetricSpec.TargetType.UTILIZATION) {
                    yield utilizationReplicas(values, specReplicas, (int) target.value(), pods, now, cpu, tolerances);
                }
                yield plainMetricReplicas(values, specReplicas, target.value(), pods, now, cpu, tolerances);
            }
        };
    }

    /** External/Object Value: {@code ceil(ratio x ready pods)}, or {@code ceil(ratio)} from zero. */
    static int usageRatioReplicas(double ratio, int current, List<Pod> pods, Tolerances tolerances)
            throws MetricUnavailableException {
        if (current == 0) {
            return (int) Math.ceil(ratio);
        }
        if (tolerances.isWithin(ratio)) {
            return current;
        }
        if (pods.isEmpty()) {
            throw new MetricUnavailableException("no pods returned by selector while calculating replica count");
        }
        long ready = pods.stream().filter(p -> p.phase() == Pod.Phase.RUNNING && p.ready()).count();
        return (int) Math.ceil(ratio * ready);
    }

    /** External/Object AverageValue: {@code ceil(usage / target)} unless within tolerance of the status count. */
    static int perPodOfTotal(double usage, double perPodTarget, int statusReplicas, Tolerances tolerances) {
        double ratio = usage / (perPodTarget * statusReplicas);
        return tolerances.isWithin(ratio) ? statusReplicas : (int) Math.ceil(usage / perPodTarget);
    }

    private int utilizationReplicas(Map<String, MetricReading.PodValue> reported, int current, int targetPercent,
                                    List<Pod> pods, double now, boolean cpu, Tolerances tolerances)
            throws MetricUnavailableException {
        Groups g = group(pods, reported, cpu, now);
        Map<String, MetricReading.PodValue> metrics = new HashMap<>(reported);
        metrics.keySet().retainAll(pods.stream().map(Pod::name).toList()); // no request is known for others
        metrics.keySet().removeAll(g.ignored);
        metrics.keySet().removeAll(g.unready);
        if (metrics.isEmpty()) {
            throw new MetricUnavailableException("did not receive metrics for targeted pods (pods might be unready)");
        }
        double ratio = utilization(metrics) / (double) targetPercent;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            return tolerances.isWithin(ratio) ? current : (int) Math.ceil(ratio * g.readyCount);
        }
        double request = reported.values().stream().mapToDouble(MetricReading.PodValue::request).max().orElse(0);
        if (ratio < 1.0) { // a missing pod counts as using its whole request, or the target above 100 %
            double fallback = request * Math.max(100, targetPercent) / 100.0;
            g.missing.forEach(p -> metrics.put(p, new MetricReading.PodValue(fallback, request)));
        } else if (ratio > 1.0) {
            g.missing.forEach(p -> metrics.put(p, new MetricReading.PodValue(0, request)));
        }
        if (scaleUpWithUnready) {
            g.unready.forEach(p -> metrics.put(p, new MetricReading.PodValue(0, request)));
        }
        return rerun(ratio, utilization(metrics) / (double) targetPercent, metrics.size(), current, tolerances);
    }

    private int plainMetricReplicas(Map<String, MetricReading.PodValue> reported, int current, double target,
                                    List<Pod> pods, double now, boolean cpu, Tolerances tolerances)
            throws MetricUnavailableException {
        Groups g = group(pods, reported, cpu, now);
        Map<String, Double> metrics = new HashMap<>();
        reported.forEach((pod, v) -> metrics.put(pod, v.value()));
        metrics.keySet().removeAll(g.ignored);
        metrics.keySet().removeAll(g.unready);
        if (metrics.isEmpty()) {
            throw new MetricUnavailableException("did not receive metrics for targeted pods (pods might be unready)");
        }
        double ratio = average(metrics) / target;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            return tolerances.isWithin(ratio) ? current : (int) Math.ceil(ratio * g.readyCount);
        }
        if (ratio < 1.0) { // a missing pod counts as exactly on target when scaling down, as idle when scaling up
            g.missing.forEach(p -> metrics.put(p, target));
        } else {
            g.missing.forEach(p -> metrics.put(p, 0.0));
        }
        if (scaleUpWithUnready) {
            g.unready.forEach(p -> metrics.put(p, 0.0));
        }
        return rerun(ratio, average(metrics) / target, metrics.size(), current, tolerances);
    }

    /** After filling in missing and unready pods: no action if that flips the direction or lands in tolerance. */
    private static int rerun(double ratio, double newRatio, int pods, int current, Tolerances tolerances) {
        if (tolerances.isWithin(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            return current;
        }
        int replicas = (int) Math.ceil(newRatio * pods);
        if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
            return current;
        }
        return replicas;
    }

    /** The integer percent the controller computes: {@code int32(sum usage x 100 / sum requests)}. */
    private static long utilization(Map<String, MetricReading.PodValue> metrics) throws MetricUnavailableException {
        double usage = 0;
        double requests = 0;
        for (Map.Entry<String, MetricReading.PodValue> e : metrics.entrySet()) {
            if (e.getValue().request() <= 0) {
                throw new MetricUnavailableException("missing request for cpu in pod " + e.getKey());
            }
            usage += e.getValue().value();
            requests += e.getValue().request();
        }
        return (long) Math.floor(usage * 100 / requests + 1e-9);
    }

    private static double average(Map<String, Double> metrics) {
        return metrics.values().stream().mapToDouble(Double::doubleValue).sum() / metrics.size();
    }

    private record Groups(int readyCount, Set<String> unready, Set<String> missing, Set<String> ignored) {}

    /** groupPods: failed or deleting pods are ignored, pending ones unready; for CPU, readiness is checked too. */
    private Groups group(List<Pod> pods, Map<String, MetricReading.PodValue> metrics, boolean cpu, double now) {
        int ready = 0;
        Set<String> unready = new HashSet<>();
        Set<String> missing = new HashSet<>();
        Set<String> ignored = new HashSet<>();
        for (Pod pod : pods) {
            if (pod.deleting() || pod.phase() == Pod.Phase.FAILED) {
                ignored.add(pod.name());
            } else if (pod.phase() == Pod.Phase.PENDING) {
                unready.add(pod.name());
            } else if (!metrics.containsKey(pod.name())) {
                missing.add(pod.name());
            } else if (cpu && cpuUnready(pod, now)) {
                unready.add(pod.name());
            } else {
                ready++;
            }
        }
        return new Groups(ready, unready, missing, ignored);
    }

    private boolean cpuUnready(Pod pod, double now) {
        if (pod.startedAt() + settings.cpuInitializationPeriod() > now) {
            // young pod: its sample must cover time after it became ready
            return !pod.ready() || now < pod.readySince() + settings.metricWindow();
        }
        // older pod: unready only if it never became ready after the initial delay
        return !pod.ready() && pod.startedAt() + settings.initialReadinessDelay() > pod.readySince();
    }

    private static double total(MetricReading reading, MetricSpec metric) throws MetricUnavailableException {
        if (reading instanceof MetricReading.Total t) {
            return t.value();
        }
        throw new MetricUnavailableException(metric.name() + ": expected one total value");
    }

    private static Map<String, MetricReading.PodValue> perPod(MetricReading reading, MetricSpec metric)
            throws MetricUnavailableException {
        if (reading instanceof MetricReading.PerPod p && !p.values().isEmpty()) {
            return p.values();
        }
        throw new MetricUnavailableException("no metrics returned for " + metric.name());
    }
}
