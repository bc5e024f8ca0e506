package io.celeryexporter.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.celeryexporter.autoscaling.HorizontalController.Recommendation;
import io.celeryexporter.autoscaling.HorizontalController.ScaleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table cases ported from kube-controller-manager's own tests ({@code pkg/controller/podautoscaler/horizontal_test.go}:
 * TestScalingWithRules, TestNormalizeDesiredReplicasWithBehavior, TestNormalizeDesiredReplicas), each named after the
 * Go case. Times are seconds before "now"; the Go tests' {@code generateEventsUniformDistribution} is {@link #spread}.
 */
class KubernetesControllerCasesTest {

    private static final double NOW = 10_000;

    /** generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow), selectPolicy Max. */
    static ScalingRules rules(int pods, int podsPeriod, int percent, int percentPeriod, int window) {
        List<ScalingPolicy> policies = new ArrayList<>();
        if (pods != 0) {
            policies.add(new ScalingPolicy(ScalingPolicy.Type.PODS, pods, podsPeriod));
        }
        if (percent != 0) {
            policies.add(new ScalingPolicy(ScalingPolicy.Type.PERCENT, percent, percentPeriod));
        }
        return new ScalingRules(window, ScalingRules.SelectPolicy.MAX, policies, ScalingRules.DEFAULT_TOLERANCE);
    }

    /** Events spread evenly over the last {@code period} seconds, each in the middle of its segment. */
    static List<ScaleEvent> spread(int period, int... changes) {
        List<ScaleEvent> events = new ArrayList<>();
        double segment = (double) period / changes.length;
        for (int i = 0; i < changes.length; i++) {
            double age = period - segment * (i + 1) + segment / 2;
            events.add(new ScaleEvent(changes[i], NOW - age, false));
        }
        return events;
    }

    record RulesCase(String name, List<ScaleEvent> up, List<ScaleEvent> down, int min, int max, ScalingRules upRules,
                     ScalingRules downRules, int current, int prenormalized, int expected, String condition) {
        @Override
        public String toString() {
            return name;
        }
    }

    static RulesCase c(String name, int current, int prenormalized, int min, int max, ScalingRules upRules,
                       ScalingRules downRules, List<ScaleEvent> up, List<ScaleEvent> down, int expected,
                       String condition) {
        return new RulesCase(name, up, down, min, max, upRules, downRules, current, prenormalized, expected,
                condition);
    }

    static Stream<RulesCase> scalingWithRules() {
        List<ScaleEvent> none = List.of();
        return Stream.of(
                c("prenormalized desired replicas within range", 5, 7, 3, 8, null, null, none, none, 7,
                        "DesiredWithinRange"),
                c("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, null, null, none, none, 2,
                        "TooFewReplicas"),
                c("prenormalized desired replicas within range when minReplicas is 0", 1, 0, 0, 10, null, null,
                        none, none, 0, "DesiredWithinRange"),
                c("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, null, null,
                        none, none, 10, "TooManyReplicas"),
                c("desired replica count is more than the maximum replica count", 100, 1000, 100, 150, null, null,
                        none, none, 150, "TooManyReplicas"),
                c("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", 3, 1000, 1,
                        2000, rules(0, 0, 1, 60, 0), null, none, none, 4, "ScaleUpLimit"),
                c("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies",
                        1000, 3, 3, 2000, null, rules(20, 60, 0, 0, 0), none, none, 980, "ScaleDownLimit"),
                c("scaleUp with default behavior", 10, 50, 1, 1000, null, null, none, none, 20, "ScaleUpLimit"),
                c("scaleUp with pods policy larger than percent policy", 10, 500, 1, 1000,
                        rules(100, 60, 100, 60, 0), null, none, none, 110, "ScaleUpLimit"),
                c("scaleUp with percent policy larger than pods policy", 10, 500, 1, 1000, rules(2, 60, 100, 60, 0),
                        null, none, none, 20, "ScaleUpLimit"),
                c("scaleUp with spec MaxReplicas limitation with large pod policy", 10, 50, 1, 1000,
                        rules(100, 60, 0, 0, 0), null, none, none, 50, "DesiredWithinRange"),
                c("scaleUp with spec MaxReplicas limitation with large percent policy", 10, 50, 1, 1000,
                        rules(10000, 60, 0, 0, 0), null, none, none, 50, "DesiredWithinRange"),
                c("scaleUp with pod policy limitation", 10, 50, 1, 1000, rules(30, 60, 0, 0, 0), null, none, none,
                        40, "ScaleUpLimit"),
                c("scaleUp with percent policy limitation", 10, 50, 1, 1000, rules(0, 0, 200, 60, 0), null, none,
                        none, 30, "ScaleUpLimit"),
                c("scaleDown with percent policy larger than pod policy", 100, 2, 1, 1000, null,
                        rules(20, 60, 1, 60, 300), none, none, 80, "ScaleDownLimit"),
                c("scaleDown with pod policy larger than percent policy", 100, 2, 1, 1000, null,
                        rules(2, 60, 1, 60, 300), none, none, 98, "ScaleDownLimit"),
                c("scaleDown with spec MinReplicas=nil limitation with large pod policy", 10, 0, 1, 1000, null,
                        rules(100, 60, 0, 0, 300), none, none, 1, "TooFewReplicas"),
                c("scaleDown with spec MinReplicas limitation with large pod policy", 10, 0, 1, 1000, null,
                        rules(100, 60, 0, 0, 300), none, none, 1, "TooFewReplicas"),
                c("scaleDown with spec MinReplicas limitation with large percent policy", 10, 2, 5, 1000, null,
                        rules(0, 0, 100, 60, 300), none, none, 5, "TooFewReplicas"),
                c("scaleDown with pod policy limitation", 10, 2, 1, 1000, null, rules(5, 60, 0, 0, 300), none, none,
                        5, "ScaleDownLimit"),
                c("scaleDown with percent policy limitation", 10, 5, 1, 1000, null, rules(0, 0, 50, 60, 300), none,
                        none, 5, "DesiredWithinRange"),
                c("scaleUp with spec MaxReplicas limitation with large pod policy and events", 100, 500, 1, 200,
                        rules(300, 60, 0, 0, 0), null, spread(120, 1, 5, 9), none, 200, "TooManyReplicas"),
                c("scaleUp with spec MaxReplicas limitation with large percent policy and events", 100, 500, 1, 200,
                        rules(0, 0, 10000, 60, 0), null, spread(120, 1, 5, 9), none, 200, "TooManyReplicas"),
                c("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up"
                        + " events", 100, 500, 1, 1000, rules(5, 120, 0, 0, 0), null, spread(120, 1, 5, 9), none,
                        100, "ScaleUpLimit"),
                c("scaleUp with pod policy and previous scale up events", 100, 500, 1, 1000,
                        rules(150, 120, 0, 0, 0), null, spread(120, 1, 5, 9), none, 235, "ScaleUpLimit"),
                c("scaleUp with percent policy and previous scale up events", 100, 500, 1, 1000,
                        rules(0, 0, 200, 120, 0), null, spread(120, 1, 5, 9), none, 255, "ScaleUpLimit"),
                c("scaleUp with percent policy and previous scale up and down events", 6, 24, 1, 1000,
                        rules(0, 0, 300, 300, 0), null, spread(120, 4), spread(120, 2), 16, "ScaleUpLimit"),
                c("scaleDown with default policy and previous events", 10, 5, 1, 1000, null, null, none,
                        spread(120, 1, 5, 9), 5, "DesiredWithinRange"),
                c("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", 100,
                        0, 1, 1000, null, rules(115, 120, 0, 0, 300), none, spread(120, 1, 5, 9), 1,
                        "TooFewReplicas"),
                c("scaleDown with spec MinReplicas limitation with large pod policy and previous events", 100, 0, 5,
                        1000, null, rules(130, 120, 0, 0, 300), none, spread(120, 1, 5, 9), 5, "TooFewReplicas"),
                c("scaleDown with spec MinReplicas limitation with large percent policy and previous events", 100,
                        2, 5, 1000, null, rules(0, 0, 100, 120, 300), none, spread(120, 1, 5, 9), 5,
                        "TooFewReplicas"),
                c("scaleDown with pod policy limitation and previous events", 100, 2, 1, 1000, null,
                        rules(5, 120, 0, 0, 300), none, spread(120, 1, 5, 9), 100, "ScaleDownLimit"),
                c("scaleDown with percent policy limitation and previous events", 100, 0, 1, 1000, null,
                        rules(0, 0, 50, 120, 300), none, spread(120, 2, 4, 6), 56, "ScaleDownLimit"),
                c("scaleDown with percent policy and previous scale up and down events", 10, 1, 1, 1000, null,
                        rules(0, 0, 50, 180, 0), spread(120, 2), spread(120, 4), 6, "ScaleDownLimit"),
                c("scaleDown with previous events preventing further scale down", 100, 0, 1, 1000, null,
                        rules(0, 0, 10, 120, 300), none, spread(120, 10, 10, 10), 100, "ScaleDownLimit"),
                c("scaleDown with with previous events still allowing more scale down", 10, 5, 1, 1000, null,
                        rules(0, 0, 1000, 120, 300), none, spread(120, 10, 10, 10), 5, "DesiredWithinRange"),
                c("check 'outdated' flag for events for one behavior for up", 100, 200, 1, 1000,
                        rules(1000, 60, 0, 0, 0), null, spread(120, 8, 12, 9, 11), none, 200, "DesiredWithinRange"),
                c("check that events were not marked 'outdated' for two different policies in the behavior for up",
                        100, 200, 1, 1000, rules(1000, 120, 100, 60, 0), null, spread(120, 8, 12, 9, 11), none, 200,
                        "DesiredWithinRange"),
                c("check that events were marked 'outdated' for two different policies in the behavior for up",
                        100, 200, 1, 1000, rules(1000, 30, 100, 60, 0), null, spread(120, 8, 12, 9, 11), none, 200,
                        "DesiredWithinRange"),
                c("check 'outdated' flag for events for one behavior for down", 100, 5, 1, 1000, null,
                        rules(1000, 60, 0, 0, 300), none, spread(120, 8, 12, 9, 11), 5, "DesiredWithinRange"),
                c("check that events were not marked 'outdated' for two different policies in the behavior for"
                        + " down", 100, 5, 1, 1000, null, rules(1000, 120, 100, 60, 300), none,
                        spread(120, 8, 12, 9, 11), 5, "DesiredWithinRange"),
                c("check that events were marked 'outdated' for two different policies in the behavior for down",
                        100, 5, 1, 1000, null, rules(1000, 30, 100, 60, 300), none, spread(120, 8, 12, 9, 11), 5,
                        "DesiredWithinRange"));
    }

    @ParameterizedTest(name = "TestScalingWithRules/{0}")
    @MethodSource("scalingWithRules")
    void testScalingWithRules(RulesCase tc) {
        HpaSpec.Behavior behavior = new HpaSpec.Behavior(
                tc.upRules() == null ? ScalingRules.DEFAULT_SCALE_UP : tc.upRules(),
                tc.downRules() == null ? ScalingRules.DEFAULT_SCALE_DOWN : tc.downRules());
        HorizontalController hc = controller(tc.min(), tc.max(), behavior);
        hc.scaleUpEvents.addAll(tc.up());
        hc.scaleDownEvents.addAll(tc.down());
        HorizontalController.Limited got = hc.convertWithBehaviorRate(NOW, tc.current(), tc.prenormalized());
        assertEquals(tc.expected(), got.replicas(), "replicas");
        assertEquals(tc.condition(), got.reason(), "condition");
    }

    record StabilizationCase(String name, List<Recommendation> recommendations, int current, int prenormalized,
                             int expected, List<Integer> expectedRecommendations, int upWindow, int downWindow) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Recommendation rec(int replicas, double minutesAgo) {
        return new Recommendation(replicas, NOW - minutesAgo * 60);
    }

    static Stream<StabilizationCase> normalizeWithBehavior() {
        return Stream.of(
                new StabilizationCase("empty recommendations for scaling down", List.of(), 100, 5, 5, List.of(5), 0,
                        0),
                new StabilizationCase("simple scale down stabilization", List.of(rec(4, 2), rec(5, 1)), 100, 3, 5,
                        List.of(4, 5, 3), 0, 180),
                new StabilizationCase("simple scale up stabilization", List.of(rec(4, 2), rec(5, 1)), 1, 7, 4,
                        List.of(4, 5, 7), 300, 0),
                new StabilizationCase("no scale down stabilization", List.of(rec(1, 2), rec(2, 1)), 100, 3, 3,
                        List.of(1, 2, 3), 300, 0),
                new StabilizationCase("no scale up stabilization", List.of(rec(4, 2), rec(5, 1)), 1, 3, 3,
                        List.of(4, 5, 3), 0, 300),
                new StabilizationCase("no scale down stabilization, reuse recommendation element",
                        List.of(rec(10, 10), rec(9, 9)), 100, 3, 3, List.of(10, 3), 0, 0),
                new StabilizationCase("no scale up stabilization, reuse recommendation element",
                        List.of(rec(10, 10), rec(9, 9)), 1, 100, 100, List.of(10, 100), 0, 0),
                new StabilizationCase("scale down stabilization, reuse one of obsolete recommendation element",
                        List.of(rec(10, 10), rec(4, 1), rec(5, 2), rec(9, 9)), 100, 3, 5, List.of(10, 4, 5, 3), 0,
                        180),
                new StabilizationCase("scale up stabilization, reuse one of obsolete recommendation element",
                        List.of(rec(10, 100), rec(6, 1), rec(5, 2), rec(9, 3)), 1, 100, 5, List.of(100, 6, 5, 9), 300,
                        0),
                new StabilizationCase("scale up and down stabilization, do not scale up when prenormalized rec goes"
                        + " down", List.of(rec(2, 100), rec(3, 3)), 2, 1, 2, null, 300, 300),
                new StabilizationCase("scale up and down stabilization, do not scale down when prenormalized rec goes"
                        + " up", List.of(rec(2, 100), rec(1, 3)), 2, 3, 2, null, 300, 300));
    }

    @ParameterizedTest(name = "TestNormalizeDesiredReplicasWithBehavior/{0}")
    @MethodSource("normalizeWithBehavior")
    void testNormalizeDesiredReplicasWithBehavior(StabilizationCase tc) {
        HpaSpec.Behavior behavior = new HpaSpec.Behavior(
                new ScalingRules(tc.upWindow(), ScalingRules.SelectPolicy.MAX, List.of(), 0.1),
                new ScalingRules(tc.downWindow(), ScalingRules.SelectPolicy.MAX, List.of(), 0.1));
        HorizontalController hc = controller(1, 1000, behavior);
        hc.recommendations.addAll(tc.recommendations());
        assertEquals(tc.expected(), hc.stabilizeWithBehavior(NOW, tc.current(), tc.prenormalized()));
        if (tc.expectedRecommendations() != null) {
            assertEquals(tc.expectedRecommendations(),
                    hc.recommendations.stream().map(Recommendation::replicas).toList(), "stored recommendations");
        }
    }

    record LegacyCase(String name, List<Recommendation> recommendations, int prenormalized, int expected,
                      int expectedLogLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LegacyCase> normalizeLegacy() {
        return Stream.of(
                new LegacyCase("empty log", List.of(), 5, 5, 1),
                new LegacyCase("stabilize", List.of(rec(4, 2), rec(5, 1)), 3, 5, 3),
                new LegacyCase("no stabilize", List.of(rec(1, 2), rec(2, 1)), 3, 3, 3),
                new LegacyCase("no stabilize - old recommendations", List.of(rec(10, 10), rec(9, 9)), 3, 3, 2),
                new LegacyCase("stabilize - old recommendations",
                        List.of(rec(10, 10), rec(4, 1), rec(5, 2), rec(9, 9)), 3, 5, 4));
    }

    @ParameterizedTest(name = "TestNormalizeDesiredReplicas/{0}")
    @MethodSource("normalizeLegacy")
    void testNormalizeDesiredReplicas(LegacyCase tc) {
        HorizontalController hc = controller(1, 1000, null);
        hc.recommendations.addAll(tc.recommendations());
        assertEquals(tc.expected(), hc.stabilizeLegacy(NOW, tc.prenormalized()));
        assertEquals(tc.expectedLogLength(), hc.recommendations.size(), "recommendations kept");
    }

    private static HorizontalController controller(int min, int max, HpaSpec.Behavior behavior) {
        return new HorizontalController(new HpaSpec("t", min, max, List.of(), behavior),
                new ReplicaCalculator(ReplicaCalculator.Settings.DEFAULT));
    }
}
