package io.celeryexporter.workers;

import java.time.Duration;

/**
 * The worker side's settings.
 *
 * @param enabled           listen to worker events and split what the workers hold ({@code --[no-]collector.workers})
 * @param grouping          how workers are grouped, and what the operator says of each group
 * @param stopGrace         how long a worker that said {@code worker-offline} may still hold tasks: its warm shutdown
 *                          finishes running tasks before it restores its prefetched ones, until Kubernetes kills it at
 *                          {@code terminationGracePeriodSeconds} ({@code --worker.stop-grace})
 * @param visibilityTimeout kombu's {@code visibility_timeout}: held longer, a task is restored and may run twice
 *                          ({@code --broker.visibility-timeout})
 * @param drainTime         how soon {@code celery_queue_required_replicas} drains a backlog ({@code --load.drain-time})
 * @param leadTime          how far ahead {@code celery_queue_required_replicas} reads the arrivals' trend
 *                          ({@code --load.lead-time})
 */
public record WorkersConfig(boolean enabled, WorkerGrouping grouping, Duration stopGrace,
                            Duration visibilityTimeout, Duration drainTime, Duration leadTime) {

    /** Kubernetes' default {@code terminationGracePeriodSeconds}. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);
    /** kombu's default {@code visibility_timeout}, unchanged from 5.2 to 5.6. */
    public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofHours(1);
    /** Two HPA syncs: a burst's backlog asks for the replicas to drain it before the next pods could start. */
    public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(30);
    /**
     * Rehearsed at the defaults (15 s scrape and sync, 30 s start-up): less than the pipeline's whole delay, as a
     * trend read further ahead carries more of the arrivals' noise; a steady load then makes no reversal.
     */
    public static final Duration DEFAULT_LEAD_TIME = Duration.ofSeconds(25);
    public static final WorkersConfig DEFAULT = new WorkersConfig(true, WorkerGrouping.DEFAULT, DEFAULT_STOP_GRACE,
            DEFAULT_VISIBILITY_TIMEOUT);
    public static final WorkersConfig OFF = new WorkersConfig(false, WorkerGrouping.DEFAULT, DEFAULT_STOP_GRACE,
            DEFAULT_VISIBILITY_TIMEOUT);

    public WorkersConfig(boolean enabled, WorkerGrouping grouping, Duration stopGrace, Duration visibilityTimeout) {
        this(enabled, grouping, stopGrace, visibilityTimeout, DEFAULT_DRAIN_TIME, DEFAULT_LEAD_TIME);
    }
}
