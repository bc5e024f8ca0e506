package io.celeryexporter.autoscaling;

import java.util.List;

/**
 * A controller that sets a workload's replicas over time: the HPA controller, or KEDA in front of the HPA it
 * generates. Ticked every second of model time; it acts on its own schedule (sync period, polling interval).
 */
public interface Autoscaler {

    /** The manifest's name, for reports. */
    String name();

    /** The metrics it reads, by the names the manifest gives them. */
    List<MetricSpec> inputs();

    /** The count it returns to when there is nothing to do (0 for KEDA's scale to zero). */
    int idleReplicas();

    /**
     * @param specReplicas   the replicas the workload is asked to have now
     * @param statusReplicas the pods that exist now
     * @return the replicas the workload should be asked to have from now on
     */
    int tick(double now, int specReplicas, int statusReplicas, List<Pod> pods, MetricSource inputs);

    /** Whether the HPA synced at the last tick (replay writes one row per sync). */
    boolean syncedLastTick();

    /** The same autoscaler with the target of one input replaced, for sweeps. Fresh: no history. */
    Autoscaler withTarget(String input, double value);
}
