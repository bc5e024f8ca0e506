package io.celeryexporter.autoscaling.keda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.autoscaling.HpaSpec;
import io.celeryexporter.autoscaling.MetricReading;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.Pod;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HPA KEDA generates from a ScaledObject ({@code pkg/scaling/resolver} and {@code controllers/keda/hpa.go}) and
 * KEDA's own loop: activation, scale to and from zero, fallback and scaling modifiers.
 */
class KedaAutoscalerTest {

    @TempDir
    Path dir;

    private KedaAutoscaler read(String yaml) throws Exception {
        Path file = dir.resolve("so.yaml");
        Files.writeString(file, yaml);
        return (KedaAutoscaler) AutoscalerFiles.read(file, 15, ReplicaCalculator.Settings.DEFAULT);
    }

    private static final String HEAD = String.join("\n", "apiVersion: keda.sh/v1alpha1", "kind: ScaledObject",
            "metadata: {name: worker}", "spec:", "  scaleTargetRef: {name: worker}", "");

    private static String prometheus(String name, String query, String threshold, String extra) {
        return String.join("\n", "    - type: prometheus", "      name: " + name,
                "      metadata:", "        serverAddress: http://prometheus:9090", "        query: " + query,
                "        threshold: \"" + threshold + "\"", extra, "");
    }

    @Test
    void theShippedScaledObjectGeneratesThisHpa() throws Exception {
        KedaAutoscaler keda = (KedaAutoscaler) AutoscalerFiles.read(Path.of("keda/queue-length.yaml"), 15,
                ReplicaCalculator.Settings.DEFAULT);
        HpaSpec hpa = keda.hpa();
        assertEquals("keda-hpa-dispatcher", hpa.name());
        assertEquals(1, hpa.minReplicas(), "minReplicaCount 0: the HPA keeps 1, KEDA does 0 <-> 1");
        assertEquals(20, hpa.maxReplicas());
        assertEquals(List.of(
                new MetricSpec(MetricSpec.Source.EXTERNAL, "queue_length", "celery_queue_length",
                        new MetricSpec.Target(MetricSpec.TargetType.AVERAGE_VALUE, 10))), hpa.metrics());
        assertEquals(90, hpa.behavior().scaleDown().stabilizationWindowSeconds());
        assertEquals(0, keda.idleReplicas());
    }

    @Test
    void theShippedCompositeGeneratesAMetricPerTrigger() throws Exception {
        KedaAutoscaler keda = (KedaAutoscaler) AutoscalerFiles.read(Path.of("keda/composite.yaml"), 15,
                ReplicaCalculator.Settings.DEFAULT);
        assertEquals(List.of(
                new MetricSpec(MetricSpec.Source.EXTERNAL, "required_replicas", "celery_queue_required_replicas",
                        new MetricSpec.Target(MetricSpec.TargetType.AVERAGE_VALUE, 1)),
                new MetricSpec(MetricSpec.Source.EXTERNAL, "backlog", "celery_queue_backlog",
                        new MetricSpec.Target(MetricSpec.TargetType.AVERAGE_VALUE, 50)),
                new MetricSpec(MetricSpec.Source.RESOURCE, "cpu", "cpu",
                        new MetricSpec.Target(MetricSpec.TargetType.UTILIZATION, 90))), keda.hpa().metrics());
        assertEquals(List.of(true, false, false), keda.spec().triggers().stream()
                .map(KedaAutoscaler.Trigger::emptyIsZero).toList(), "ignoreNullValues, as each trigger sets it");
        assertEquals(4, keda.spec().fallback().replicas());
    }

    @Test
    void anEmptyResultReadsZeroWhereIgnoreNullValuesSaysSoAsByDefault() throws Exception {
        KedaAutoscaler keda = read(HEAD + "  minReplicaCount: 1\n  maxReplicaCount: 20\n"
                + "  fallback: {failureThreshold: 1, replicas: 6}\n  triggers:\n"
                + prometheus("q", "max(celery_queue_required_replicas)", "1", ""));
        MetricSource empty = m -> Optional.empty();
        int replicas = 4;
        List<Integer> seen = new ArrayList<>();
        for (int t = 0; t <= 400; t++) {
            replicas = keda.tick(t, replicas, replicas, pods(replicas), empty);
            seen.add(replicas);
        }
        assertTrue(seen.stream().allMatch(r -> r <= 4), "never the fallback's 6: " + seen);
        assertEquals(1, replicas, "KEDA's default ignoreNullValues: true: a 0, down to 1 after the legacy 5-minute"
                + " window");
    }

    @Test
    void withoutBehaviorTheGeneratedHpaTakesTheLegacyPath() throws Exception {
        KedaAutoscaler keda = read(HEAD + "  minReplicaCount: 3\n  triggers:\n"
                + prometheus("q", "max(celery_queue_length)", "10", ""));
        assertNull(keda.hpa().behavior());
        assertEquals(3, keda.hpa().minReplicas());
        assertEquals(100, keda.hpa().maxReplicas(), "KEDA's default maxReplicaCount");
        assertEquals(3, keda.idleReplicas());
    }

    @Test
    void scalesFromZeroOnlyAboveTheActivationThresholdAndBackAfterTheCooldown() throws Exception {
        KedaAutoscaler keda = read(HEAD + "  pollingInterval: 10\n  cooldownPeriod: 60\n  triggers:\n"
                + prometheus("q", "max(celery_queue_length)", "10", "        activationThreshold: \"5\""));
        double[] length = {5};
        MetricSource source = m -> Optional.of(new MetricReading.Total(length[0]));
        int replicas = 0;
        for (int t = 0; t < 30; t++) {
            replicas = keda.tick(t, replicas, replicas, pods(replicas), source);
        }
        assertEquals(0, replicas, "5 is not above the activation threshold of 5");
        length[0] = 6;
        int activatedAt = -1;
        for (int t = 30; t < 60 && activatedAt < 0; t++) {
            replicas = keda.tick(t, replicas, replicas, pods(replicas), source);
            activatedAt = replicas > 0 ? t : -1;
        }
        assertEquals(30, activatedAt, "the next poll activates it");
        assertEquals(1, replicas);
        length[0] = 0;
        int idleAt = -1;
        for (int t = 31; t < 200 && idleAt < 0; t++) {
            replicas = keda.tick(t, replicas, replicas, pods(replicas), source);
            idleAt = replicas == 0 ? t : -1;
        }
        assertEquals(90, idleAt, "last active at the poll of 30, cooldown 60 s: the poll at 90");
    }

    @Test
    void fallbackReplicasReplaceAnUnreadableTriggerAfterItsThreshold() throws Exception {
        KedaAutoscaler keda = read(HEAD + "  minReplicaCount: 1\n  maxReplicaCount: 20\n"
                + "  fallback: {failureThreshold: 3, replicas: 6}\n  triggers:\n"
                + prometheus("q", "max(celery_queue_length)", "10", "        ignoreNullValues: \"false\""));
        MetricSource broken = m -> Optional.empty(); // no value: an error only where empty results are
        int replicas = 2;
        List<Integer> afterEachSync = new ArrayList<>();
        for (int t = 0; t <= 60; t++) {
            replicas = keda.tick(t, replicas, replicas, pods(replicas), broken);
            if (keda.syncedLastTick()) {
                afterEachSync.add(replicas);
            }
        }
        assertEquals(List.of(2, 2, 4, 6, 6), afterEachSync, "two failed syncs change nothing; from the third the metric"
                + " reads 6 x threshold, reached within the legacy limit of doubling per sync");
    }

    @Test
    void scalingModifiersCombineTriggersIntoOneCompositeMetricAndCpuStaysApart() throws Exception {
        KedaAutoscaler keda = read(HEAD + "  minReplicaCount: 1\n  maxReplicaCount: 50\n  advanced:\n"
                + "    horizontalPodAutoscalerConfig:\n      behavior:\n        scaleUp:\n"
                + "          policies: [{type: Pods, value: 100, periodSeconds: 15}]\n"
                + "    scalingModifiers:\n      formula: \"max(q / 10, age / 30)\"\n      target: \"1\"\n"
                + "      metricType: AverageValue\n  triggers:\n"
                + prometheus("q", "max(celery_queue_length)", "10", "")
                + prometheus("age", "max(celery_queue_oldest_task_age_seconds)", "30", "")
                + "    - type: cpu\n      metricType: Utilization\n      metadata: {value: \"80\"}\n");
        List<MetricSpec> metrics = keda.hpa().metrics();
        assertEquals(2, metrics.size());
        assertEquals(MetricSpec.Source.RESOURCE, metrics.get(0).source());
        assertEquals(new MetricSpec(MetricSpec.Source.EXTERNAL, KedaAutoscaler.COMPOSITE, null,
                new MetricSpec.Target(MetricSpec.TargetType.AVERAGE_VALUE, 1)), metrics.get(1));
        Map<String, Double> values = Map.of("q", 120.0, "age", 90.0);
        MetricSource source = m -> m.source() == MetricSpec.Source.RESOURCE
                ? Optional.of(new MetricReading.PerPod(Map.of("pod-0", new MetricReading.PodValue(10, 100),
                        "pod-1", new MetricReading.PodValue(10, 100))))
                : Optional.of(new MetricReading.Total(values.get(m.name())));
        assertEquals(12, keda.tick(0, 2, 2, pods(2), source), "max(120 / 10, 90 / 30) = 12 per replica target 1");
    }

    @Test
    void unsupportedFormulasAndUnknownNamesAreRefusedAtLoad() {
        assertThrows(IllegalArgumentException.class, () -> Formula.parse("q ** 2"));
        assertThrows(IllegalArgumentException.class, () -> Formula.parse("sqrt(q)"));
        assertEquals(7.0, Formula.parse("q > 2 ? q + 1 : 0").evaluate(Map.of("q", 6.0)));
        assertEquals(0.0, Formula.parse("q > 2 ? q + 1 : 0").evaluate(Map.of("q", 1.0)));
        assertEquals(2.5, Formula.parse("(a + b) / 2").evaluate(Map.of("a", 2.0, "b", 3.0)));
        ManifestException e = assertThrows(ManifestException.class, () -> read(HEAD + "  advanced:\n"
                + "    scalingModifiers: {formula: \"q + nope\", target: \"1\"}\n  triggers:\n"
                + prometheus("q", "max(celery_queue_length)", "10", "")));
        assertTrue(e.getMessage().endsWith("spec.advanced.scalingModifiers.formula: 'nope' names no trigger"),
                e.getMessage());
    }

    @Test
    void aSweepRetargetsATriggerOrTheCompositeMetric() throws Exception {
        KedaAutoscaler plain = read(HEAD + "  triggers:\n" + prometheus("q", "max(celery_queue_length)", "10", ""));
        assertEquals(25, plain.withTarget("q", 25).hpa().metrics().get(0).target().value());
        assertEquals(10, plain.hpa().metrics().get(0).target().value(), "the original is left as it was");
        KedaAutoscaler composite = read(HEAD + "  advanced:\n    scalingModifiers: {formula: \"q / 10\", target: \"1\"}\n"
                + "  triggers:\n" + prometheus("q", "max(celery_queue_length)", "10", ""));
        assertEquals(3, composite.withTarget(KedaAutoscaler.COMPOSITE, 3).hpa().metrics().get(0).target().value());
    }

    @Test
    void unknownScaledObjectFieldsAreNamed() {
        ManifestException e = assertThrows(ManifestException.class, () -> read(HEAD + "  cooldownPeriods: 30\n"
                + "  triggers:\n" + prometheus("q", "max(celery_queue_length)", "10", "")));
        assertTrue(e.getMessage().endsWith("spec.cooldownPeriods: unknown field"), e.getMessage());
    }

    private static List<Pod> pods(int n) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Pod.running("pod-" + i));
        }
        return out;
    }
}
