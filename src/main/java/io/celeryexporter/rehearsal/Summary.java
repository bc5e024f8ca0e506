package io.celeryexporter.rehearsal;

/**
 * What a rehearsal shows; the JSON keys are a contract.
 *
 * @param idealReplicaHours arrived x task-seconds / concurrency / 3600: perfectly packed workers
 * @param scaleReversals    scaling steps that go the other way from the step before
 * @param timeToScaleSeconds from the first sync that wanted more replicas until that many were ready; NaN if none did
 * @param costPerTask       replica-hours x price / tasks started; NaN when none started
 * @param wakeSeconds       the longest wait, over the run, from a task arriving at a workload at zero replicas to
 *                          the first replica asked for; NaN if the workload was never woken from zero
 *
 * <p>With {@code --measure-from}, everything but {@code arrived} and {@code completed} counts from that moment.
 */
public record Summary(long arrived, long completed, long maxQueueLength, double maxOldestAgeSeconds,
                      double p95OldestAgeSeconds, double p95WaitSeconds, int maxReplicas, double replicaHours,
                      double idealReplicaHours, int scaleEvents, int scaleReversals, double timeToScaleSeconds,
                      double costPerTask, double wakeSeconds) {

    /** The keys, in order, with their values: for JSON, tables and CSV alike. */
    public Object[][] fields() {
        return new Object[][] {
            {"arrived", arrived}, {"completed", completed}, {"max_queue_length", maxQueueLength},
            {"max_oldest_age_seconds", maxOldestAgeSeconds}, {"p95_oldest_age_seconds", p95OldestAgeSeconds},
            {"p95_wait_seconds", p95WaitSeconds}, {"max_replicas", maxReplicas}, {"replica_hours", replicaHours},
            {"ideal_replica_hours", idealReplicaHours}, {"scale_events", scaleEvents},
            {"scale_reversals", scaleReversals}, {"time_to_scale_seconds", timeToScaleSeconds},
            {"cost_per_task", costPerTask}, {"max_wake_seconds", wakeSeconds},
        };
    }
}
