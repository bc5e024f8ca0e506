package io.celeryexporter.rehearsal;

/**
 * How a modelled worker takes, acknowledges and gives back tasks, as Celery 5.2 on Redis does (measured against
 * real workers: bench/WORKERS.md).
 *
 * @param prefetchMultiplier Celery's {@code worker_prefetch_multiplier}: a worker keeps up to multiplier × slots
 *                           unacknowledged tasks (received, not acknowledged). 0 stands for the ideal pod that
 *                           takes a task only into a free slot and never holds one back
 * @param acksLate           {@code task_acks_late}: a task is acknowledged when it ends, not when it starts, so it
 *                           counts against the prefetch limit while it runs and survives its worker's death
 * @param terminationGrace   Kubernetes' {@code terminationGracePeriodSeconds}: from SIGTERM (warm shutdown) to
 *                           SIGKILL; infinite for a worker that always finishes what it holds
 * @param visibilityTimeout  kombu's {@code visibility_timeout}: a live worker's restore sweep gives back an
 *                           unacknowledged task received this long ago
 */
public record WorkerBehaviour(int prefetchMultiplier, boolean acksLate, double terminationGrace,
                             double visibilityTimeout) {

    /** Celery's and Kubernetes' defaults. */
    public static final WorkerBehaviour CELERY_DEFAULTS = new WorkerBehaviour(4, false, 30, 3600);
    /** The ideal pod: no prefetch, and it finishes its running tasks however long they take. */
    public static final WorkerBehaviour IDEAL = new WorkerBehaviour(0, false, Double.POSITIVE_INFINITY, 3600);
    /** How often a live worker's main process sweeps {@code unacked} (every 10th tick of a 10 s timer). */
    public static final double RESTORE_SWEEP_SECONDS = 100;

    public WorkerBehaviour {
        if (prefetchMultiplier < 0) {
            throw new IllegalArgumentException("the prefetch multiplier must be 0 (none) or more");
        }
        if (!(terminationGrace >= 0) || !(visibilityTimeout > 0)) {
            throw new IllegalArgumentException("the grace period must be 0 or more and the visibility timeout above 0");
        }
    }

    /** Whether a worker that holds {@code reserved} tasks waiting and runs {@code running} may take one more. */
    boolean mayTake(int slots, int reserved, int running) {
        if (prefetchMultiplier == 0) {
            return reserved == 0 && running < slots;
        }
        int unacknowledged = acksLate ? reserved + running : reserved;
        return unacknowledged < prefetchMultiplier * slots;
    }
}
