package io.celeryexporter.autoscaling;

import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

/** The controller model applied to a shipped HPA file with values a test measured, all pods ready. */
final class ControllerModel {

    private static final ReplicaCalculator CALCULATOR = new ReplicaCalculator(ReplicaCalculator.Settings.DEFAULT);

    private ControllerModel() {}

    static HpaSpec spec(String file) throws ManifestException {
        return ((HpaAutoscaler) AutoscalerFiles.read(Path.of(file), HpaAutoscaler.DEFAULT_SYNC_PERIOD,
                ReplicaCalculator.Settings.DEFAULT)).spec();
    }

    /** What one metric proposes, before min/max and behavior. */
    static int proposal(HpaSpec spec, int metric, int current, double value) throws MetricUnavailableException {
        return CALCULATOR.propose(spec.metrics().get(metric), reading(spec.metrics().get(metric), value, current),
                current, current, pods(current), 0, Tolerances.DEFAULT);
    }

    /** The replicas a first sync sets: every metric, then the legacy or behavior limits. */
    static int firstSync(HpaSpec spec, int current, IntToDoubleFunction valueOfMetric) {
        return new HorizontalController(spec, CALCULATOR).reconcile(0, current, current, pods(current),
                m -> Optional.of(reading(m, valueOfMetric.applyAsDouble(spec.metrics().indexOf(m)), current)));
    }

    /** External/Object: the total; Pods and Resource: every pod reports the value (utilization against 100). */
    private static MetricReading reading(MetricSpec metric, double value, int pods) {
        if (metric.source() == MetricSpec.Source.EXTERNAL || metric.source() == MetricSpec.Source.OBJECT) {
            return new MetricReading.Total(value);
        }
        Map<String, MetricReading.PodValue> values = new HashMap<>();
        for (int i = 0; i < pods; i++) {
            values.put("pod-" + i, new MetricReading.PodValue(value, 100));
        }
        return new MetricReading.PerPod(values);
    }

    private static List<Pod> pods(int n) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Pod.running("pod-" + i));
        }
        return out;
    }
}
