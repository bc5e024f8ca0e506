package io.celeryexporter.rehearsal;

/**
 * What a rehearsal shows; the JSON keys are a contract.
 *
 * @param completed         tasks that succeeded at least once; NaN when unknown (a live run without task events)
 * @param p95WaitSeconds    from arrival to the task's first start: time in a worker's prefetch buffer counts
 * @param idealReplicaHours arrived x task-seconds / concurrency / 3600: perfectly packed workers
 * @param scaleReversals    scaling steps that go the other way from the step before
 * @param timeToScaleSeconds from the first sync that wanted more replicas until that many were ready; NaN if none did
 * @param costPerTask       replica-hours x price / tasks started; NaN when none started
 * @param wakeSeconds       the longest wait, over the run, from a task arriving at a workload at zero replicas to
 *                          the first replica asked for; NaN if the workload was never woken from zero
 * @param tasks             lost, redelivered, run twice and stranded tasks
 * @param idleSlotShareWhileBacklog of the online workers' slots, the share idle while tasks waited to start (in the
 *                          queue or in a prefetch buffer): slots idle while other workers hoard
 *
 * <p>With {@code --measure-from}, everything but {@code arrived}, {@code completed} and the task fates counts from
 * that moment.
 */
public record Summary(long arrived, double completed, long maxQueueLength, double maxOldestAgeSeconds,
                      double p95OldestAgeSeconds, double p95WaitSeconds, int maxReplicas, double replicaHours,
                      double idealReplicaHours, int scaleEvents, int scaleReversals, double timeToScaleSeconds,
                      double costPerTask, double wakeSeconds, TaskFates tasks, double idleSlotShareWhileBacklog) {

    /**
     * What became of the tasks; NaN where unknown (a live run without task events).
     *
     * @param lost             never completed, and nowhere at the end: killed while running with acks early
     * @param redelivered      received again after their worker was killed, or while it still held them, by a
     *                         restore sweep once the visibility timeout passed (not a warm shutdown's restore)
     * @param runTwice         started more than once
     * @param stranded         unacknowledged with no live worker at the end: back only after the visibility timeout
     * @param maxRedeliveryDelaySeconds the longest a redelivered task was gone: from its worker's kill, or from its
     *                         receipt while its worker lived
     */
    public record TaskFates(double lost, double redelivered, double runTwice, double stranded,
                            double maxRedeliveryDelaySeconds) {

        public static final TaskFates UNKNOWN = new TaskFates(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /** The keys, in order, with their values: for JSON, tables and CSV alike. */
    public Object[][] fields() {
        return new Object[][] {
            {"arrived", arrived}, {"completed", completed}, {"max_queue_length", maxQueueLength},
            {"max_oldest_age_seconds", maxOldestAgeSeconds}, {"p95_oldest_age_seconds", p95OldestAgeSeconds},
            {"p95_wait_seconds", p95WaitSeconds}, {"max_replicas", maxReplicas}, {"replica_hours", replicaHours},
            {"ideal_replica_hours", idealReplicaHours}, {"scale_events", scaleEvents},
            {"scale_reversals", scaleReversals}, {"time_to_scale_seconds", timeToScaleSeconds},
            {"cost_per_task", costPerTask}, {"max_wake_seconds", wakeSeconds},
            {"tasks_lost", tasks.lost()}, {"tasks_redelivered", tasks.redelivered()},
            {"tasks_run_twice", tasks.runTwice()}, {"tasks_stranded", tasks.stranded()},
            {"max_redelivery_delay_seconds", tasks.maxRedeliveryDelaySeconds()},
            {"idle_slot_share_while_backlog", idleSlotShareWhileBacklog},
        };
    }
}
