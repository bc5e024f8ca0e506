package io.celeryexporter.workers;

import java.util.Locale;

/**
 * What the workers hold of one queue: its unacknowledged tasks (ETA ones aside), split by state.
 *
 * @param tier       how the split was made, and so how far it can be trusted
 * @param prefetched received by a live worker, not started
 * @param running    started and still unacknowledged: workers with acks late
 * @param orphaned   held by no live worker: kombu restores them only after the visibility timeout
 * @param overdue    held, ETA tasks included, longer than the visibility timeout: the next restore sweep of any
 *                   live worker puts them back, and a task that still runs will run twice
 * @param oldestPrefetchedAge seconds since the oldest prefetched one was received; 0 when none
 * @param oldestRunningAge    likewise for running ones
 * @param oldestOrphanedAge   likewise for orphaned ones
 */
public record HeldSplit(Tier tier, long prefetched, long running, long orphaned, long overdue,
                        double oldestPrefetchedAge, double oldestRunningAge, double oldestOrphanedAge) {

    /** What a reserved task is, by what holds it. */
    public enum State {
        PREFETCHED, RUNNING, ORPHANED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public long count(State state) {
        return switch (state) {
            case PREFETCHED -> prefetched;
            case RUNNING -> running;
            case ORPHANED -> orphaned;
        };
    }

    /** Seconds since the oldest task in that state was received; 0 when none. */
    public double oldestAge(State state) {
        return switch (state) {
            case PREFETCHED -> oldestPrefetchedAge;
            case RUNNING -> oldestRunningAge;
            case ORPHANED -> oldestOrphanedAge;
        };
    }

    /** How the unacknowledged tasks were attributed to workers. */
    public enum Tier {
        /** Every task matched to the worker that received it, by its task events ({@code -E}): exact. */
        EXACT,
        /** No live worker may consume the queue: every task is orphaned, exactly. */
        CERTAIN,
        /**
         * What the live workers can hold is bounded by their slots × prefetch multiplier (running ones included),
         * and none holds a task received before it came online: orphaned is a lower bound, prefetched an upper.
         */
        CAPACITY,
        /** Some live worker's slots are unknown: only tasks received before every live worker came online count as
         * orphaned, a lower bound. */
        START_TIMES;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
