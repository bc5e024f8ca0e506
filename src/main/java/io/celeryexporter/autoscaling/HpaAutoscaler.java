package io.celeryexporter.autoscaling;

import java.util.List;

/** The HPA controller on its sync period: the first sync at t=0, then one every period. */
public final class HpaAutoscaler implements Autoscaler {

    /** kube-controller-manager's --horizontal-pod-autoscaler-sync-period. */
    public static final double DEFAULT_SYNC_PERIOD = 15;

    private final HpaSpec spec;
    private final double syncPeriod;
    private final ReplicaCalculator.Settings settings;
    private final HorizontalController controller;
    private double nextSync = Double.NEGATIVE_INFINITY;
    private boolean synced;

    public HpaAutoscaler(HpaSpec spec, double syncPeriod, ReplicaCalculator.Settings settings) {
        this.spec = spec;
        this.syncPeriod = syncPeriod;
        this.settings = settings;
        this.controller = new HorizontalController(spec, new ReplicaCalculator(settings));
    }

    public HpaSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public List<MetricSpec> inputs() {
        return spec.metrics();
    }

    @Override
    public int idleReplicas() {
        return spec.minReplicas();
    }

    @Override
    public int tick(double now, int specReplicas, int statusReplicas, List<Pod> pods, MetricSource inputs) {
        synced = now >= nextSync;
        if (!synced) {
            return specReplicas;
        }
        nextSync = (nextSync == Double.NEGATIVE_INFINITY ? now : nextSync) + syncPeriod;
        return controller.reconcile(now, specReplicas, statusReplicas, pods, inputs);
    }

    @Override
    public boolean syncedLastTick() {
        return synced;
    }

    @Override
    public HpaAutoscaler withTarget(String input, double value) {
        return new HpaAutoscaler(spec.withMetrics(MetricSpec.retarget(spec.metrics(), input, value)), syncPeriod, settings);
    }
}
