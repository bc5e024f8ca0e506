package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.Pod;
import java.util.List;

/**
 * The replicas a finished run asked for, second by second, played back in place of its autoscaler. Simulating a live
 * run's traffic on its decisions compares the modelled workers with the real ones under the same scale-ups and
 * scale-downs: when a live run and its free simulation take different decisions, a feedback loop such as a
 * queue-length HPA amplifies the difference, and their task counts part for that reason alone.
 */
public final class LiveDecisions implements Autoscaler {

    private final Autoscaler decided;
    private final int[] desired;

    /** @param decided the autoscaler that took the decisions, for its name, inputs and idle count */
    public LiveDecisions(Autoscaler decided, List<Second> timeline) {
        if (timeline.isEmpty()) {
            throw new IllegalArgumentException("a run with no second took no decision to follow");
        }
        this.decided = decided;
        this.desired = timeline.stream().mapToInt(Second::desiredReplicas).toArray();
    }

    @Override
    public String name() {
        return decided.name() + " (as decided live)";
    }

    @Override
    public List<MetricSpec> inputs() {
        return decided.inputs();
    }

    @Override
    public int idleReplicas() {
        return decided.idleReplicas();
    }

    /** The run's decision at this second; past its end, its last one, while the simulation settles. */
    @Override
    public int tick(double now, int specReplicas, int statusReplicas, List<Pod> pods, MetricSource inputs) {
        return desired[(int) Math.min(Math.round(now), desired.length - 1)];
    }

    @Override
    public boolean syncedLastTick() {
        return false;
    }

    @Override
    public Autoscaler withTarget(String input, double value) {
        throw new UnsupportedOperationException("recorded decisions have no target to sweep");
    }
}
