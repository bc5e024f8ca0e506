package io.celeryexporter.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.autoscaling.MetricSpec.Source;
import io.celeryexporter.autoscaling.MetricSpec.TargetType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cases ported from {@code pkg/controller/podautoscaler/replica_calculator_test.go}, named after the Go test. Values
 * are as the Go tests give them in milli-units; a case's pods are Running and Ready unless it says otherwise.
 */
class KubernetesReplicaCalculatorCasesTest {

    private static final double NOW = 10_000;
    private static final double LONG_AGO = 0;

    record Case(String name, int current, MetricSpec metric, MetricReading reading, List<Pod> pods, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static MetricSpec spec(Source source, TargetType type, double target) {
        return new MetricSpec(source, source == Source.RESOURCE ? "cpu" : "qps", null,
                new MetricSpec.Target(type, target));
    }

    static List<Pod> pods(int n) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Pod("pod-" + i, Pod.Phase.RUNNING, true, LONG_AGO, LONG_AGO, false));
        }
        return out;
    }

    /** Pods whose Ready condition is as given (T/F), never ready since their start when F. */
    static List<Pod> readiness(String flags) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < flags.length(); i++) {
            out.add(new Pod("pod-" + i, Pod.Phase.RUNNING, flags.charAt(i) == 'T', LONG_AGO, LONG_AGO, false));
        }
        return out;
    }

    static List<Pod> with(List<Pod> pods, int index, Pod.Phase phase, boolean deleting) {
        List<Pod> out = new ArrayList<>(pods);
        Pod p = out.get(index);
        out.set(index, new Pod(p.name(), phase, p.ready(), p.startedAt(), p.readySince(), deleting));
        return out;
    }

    static MetricReading total(double value) {
        return new MetricReading.Total(value);
    }

    /** Per-pod values for pod-0, pod-1, ... with the given request each. */
    static MetricReading perPod(double request, double... values) {
        Map<String, MetricReading.PodValue> out = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put("pod-" + i, new MetricReading.PodValue(values[i], request));
        }
        return new MetricReading.PerPod(out);
    }

    static Stream<Case> cases() {
        List<Pod> sevenWithTwoFailed = with(with(pods(7), 5, Pod.Phase.FAILED, false), 6, Pod.Phase.FAILED, false);
        List<Pod> sevenWithTwoDeleting = with(with(pods(7), 5, Pod.Phase.RUNNING, true), 6, Pod.Phase.RUNNING, true);
        List<Pod> oneRunningFourPending = pods(1);
        for (int i = 1; i < 5; i++) {
            oneRunningFourPending.add(new Pod("pod-" + i, Pod.Phase.PENDING, false, LONG_AGO, LONG_AGO, false));
        }
        return Stream.of(
                new Case("TestReplicaCalcScaleUpCMExternal", 1, spec(Source.EXTERNAL, TargetType.VALUE, 4400),
                        total(8600), pods(1), 2),
                new Case("TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods", 3,
                        spec(Source.EXTERNAL, TargetType.VALUE, 4400), total(8600), readiness("FTF"), 2),
                new Case("TestReplicaCalcScaleDownCMExternal", 5, spec(Source.EXTERNAL, TargetType.VALUE, 14334),
                        total(8600), pods(5), 3),
                new Case("TestReplicaCalcScaleDownPerPodCMExternal", 5,
                        spec(Source.EXTERNAL, TargetType.AVERAGE_VALUE, 2867), total(8600), pods(5), 3),
                new Case("TestReplicaCalcToleranceCMExternal", 3, spec(Source.EXTERNAL, TargetType.VALUE, 8888),
                        total(8600), pods(3), 3),
                new Case("TestReplicaCalcTolerancePerPodCMExternal", 3,
                        spec(Source.EXTERNAL, TargetType.AVERAGE_VALUE, 2900), total(8600), pods(3), 3),
                new Case("TestReplicaCalcScaleDownCMObject", 5, spec(Source.OBJECT, TargetType.VALUE, 20000),
                        total(12000), pods(5), 3),
                new Case("TestReplicaCalcScaleDownPerPodCMObject", 5,
                        spec(Source.OBJECT, TargetType.AVERAGE_VALUE, 2000), total(6000), pods(5), 3),
                new Case("TestReplicaCalcToleranceCMObject", 3, spec(Source.OBJECT, TargetType.VALUE, 20000),
                        total(20666), pods(3), 3),
                new Case("TestReplicaCalcTolerancePerPodCMObject", 4,
                        spec(Source.OBJECT, TargetType.AVERAGE_VALUE, 5000), total(20166), pods(4), 4),
                new Case("TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods", 3,
                        spec(Source.OBJECT, TargetType.VALUE, 10000), total(50000), readiness("FTF"), 5),
                new Case("TestReplicaCalcScaleDownCM", 5, spec(Source.PODS, TargetType.AVERAGE_VALUE, 20000),
                        perPod(0, 12000, 12000, 12000, 12000, 12000), pods(5), 3),
                new Case("TestReplicaCalcToleranceCM", 3, spec(Source.PODS, TargetType.AVERAGE_VALUE, 20000),
                        perPod(0, 20000, 21000, 21000), pods(3), 3),
                new Case("TestReplicaCalcScaleDown", 5, spec(Source.RESOURCE, TargetType.UTILIZATION, 50),
                        perPod(1000, 100, 300, 500, 250, 250), pods(5), 3),
                new Case("TestReplicaCalcScaleDownExcludeUnreadyPods", 5,
                        spec(Source.RESOURCE, TargetType.UTILIZATION, 50), perPod(1000, 100, 300, 500, 250, 250),
                        readiness("TTTFF"), 2),
                new Case("TestReplicaCalcScaleDownExcludeUnscheduledPods", 5,
                        spec(Source.RESOURCE, TargetType.UTILIZATION, 50), perPod(1000, 100), oneRunningFourPending,
                        1),
                new Case("TestReplicaCalcScaleDownIgnoresFailedPods", 5,
                        spec(Source.RESOURCE, TargetType.UTILIZATION, 50), perPod(1000, 100, 300, 500, 250, 250),
                        sevenWithTwoFailed, 3),
                new Case("TestReplicaCalcScaleDownIgnoresDeletionPods", 5,
                        spec(Source.RESOURCE, TargetType.UTILIZATION, 50), perPod(1000, 100, 300, 500, 250, 250),
                        sevenWithTwoDeleting, 3),
                new Case("TestReplicaCalcTolerance", 3, spec(Source.RESOURCE, TargetType.UTILIZATION, 100),
                        new MetricReading.PerPod(Map.of("pod-0", new MetricReading.PodValue(1010, 900),
                                "pod-1", new MetricReading.PodValue(1030, 1000),
                                "pod-2", new MetricReading.PodValue(1020, 1100))), pods(3), 3),
                new Case("TestReplicaCalcSuperfluousMetrics", 4, spec(Source.RESOURCE, TargetType.UTILIZATION, 100),
                        perPod(1000, 4000, 9500, 3000, 7000, 3200, 2000), pods(4), 24),
                new Case("TestReplicaCalcMissingMetrics", 4, spec(Source.RESOURCE, TargetType.UTILIZATION, 100),
                        perPod(1000, 400, 95), pods(4), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void portedCase(Case tc) throws MetricUnavailableException {
        ReplicaCalculator calculator = new ReplicaCalculator(ReplicaCalculator.Settings.DEFAULT);
        int status = (int) tc.pods().stream().filter(p -> p.phase() != Pod.Phase.FAILED).count();
        assertEquals(tc.expected(), calculator.propose(tc.metric(), tc.reading(), tc.current(), status, tc.pods(),
                NOW, Tolerances.DEFAULT));
    }
}
