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
    /**
     * How often a live worker sweeps {@code unacked} after its start-up sweep: every 10th tick of kombu's 10 s timer.
     * Each channel counts its own ticks, and the start-up sweep runs on the first channel of a Python set, the timer's
     * on the first one that consumes: when they differ (an object-address accident), the timer sweeps at its first
     * tick, 10 s after the start, and then every 100 s; when they are the same, 100 s after the start. Measured on
     * Celery 5.2.6 workers ({@code -c 2 -E}): 9 of 14 swept at 10 s, 110 s, …; 5 at 100 s, 200 s, ….
     */
    public static final double RESTORE_SWEEP_SECONDS = 100;
    static final double EARLY_TIMER_SWEEP_SECONDS = 10;
    static final double EARLY_TIMER_SWEEP_SHARE = 9.0 / 14;

    public WorkerBehaviour {
        if (prefetchMultiplier < 0) {
            throw new IllegalArgumentException("the prefetch multiplier must be 0 (none) or more");
        }
        if (!(terminationGrace >= 0) || !(visibilityTimeout > 0)) {
            throw new IllegalArgumentException("the grace period must be 0 or more and the visibility timeout above 0");
        }
    }

    /**
     * Whether a worker may take one more: it holds {@code unacknowledged} delivery tags (waiting, and with acks late
     * running too) and runs {@code running} tasks.
     */
    boolean mayTake(int slots, int unacknowledged, int running) {
        if (prefetchMultiplier == 0) {
            return unacknowledged == 0 && running < slots;
        }
        return unacknowledged < prefetchMultiplier * slots;
    }
}
