package io.celeryexporter.celery;

import java.util.Set;

/**
 * What a worker says, or its operator says, of how it consumes: which queues, how many tasks it runs at once, how
 * many it prefetches per slot, and when it acknowledges. Celery puts none of this in its events; a worker can add it
 * to every heartbeat as {@code x_worker_info} (see the README, "What the workers hold"). Null means unknown.
 *
 * @param queues             the queues it consumes
 * @param concurrency        its pool size: tasks it runs at once
 * @param prefetchMultiplier {@code worker_prefetch_multiplier}
 * @param acksLate           {@code task_acks_late}: a running task stays unacknowledged until it ends
 */
public record WorkerInfo(Set<String> queues, Integer concurrency, Integer prefetchMultiplier, Boolean acksLate) {

    public static final WorkerInfo UNKNOWN = new WorkerInfo(null, null, null, null);
    /** Celery's default {@code worker_prefetch_multiplier}. */
    public static final int DEFAULT_PREFETCH_MULTIPLIER = 4;

    public WorkerInfo {
        queues = queues == null ? null : Set.copyOf(queues);
    }

    /** This, with what it does not know taken from {@code fallback}. */
    public WorkerInfo orElse(WorkerInfo fallback) {
        return new WorkerInfo(queues != null ? queues : fallback.queues,
                concurrency != null ? concurrency : fallback.concurrency,
                prefetchMultiplier != null ? prefetchMultiplier : fallback.prefetchMultiplier,
                acksLate != null ? acksLate : fallback.acksLate);
    }

    /** Whether it may consume {@code queue}: yes where its queues are unknown. */
    public boolean mayConsume(String queue) {
        return queues == null || queues.contains(queue);
    }

    /** Acks early unless said otherwise: Celery's default, and the one that needs no configuration to be right. */
    public boolean acksLateOrDefault() {
        return acksLate != null && acksLate;
    }

    /**
     * The most unacknowledged tasks it can hold: Celery's {@code prefetch_count}, slots × multiplier. kombu takes no
     * more while that many are unacknowledged, so with acks late the running ones count in it too (measured with
     * Celery 5.2.6, {@code -c 2}, multiplier 4: 8 unacked either way, 2 of them running with acks late). Null where
     * its concurrency is unknown, or its multiplier is 0 (no limit).
     */
    public Long capacity() {
        if (concurrency == null) {
            return null;
        }
        int multiplier = prefetchMultiplier == null ? DEFAULT_PREFETCH_MULTIPLIER : prefetchMultiplier;
        return multiplier <= 0 ? null : (long) concurrency * multiplier;
    }
}
