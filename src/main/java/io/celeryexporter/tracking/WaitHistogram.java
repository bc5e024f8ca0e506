package io.celeryexporter.tracking;

/**
 * Time-in-queue of the tasks workers took, accumulated over the exporter's life. Not thread-safe: the poller owns it
 * and publishes immutable {@link Snapshot}s.
 */
public final class WaitHistogram {

    /**
     * @param counts per bucket (not cumulative), the last one for +Inf
     * @param sum    total seconds observed
     */
    public record Snapshot(long[] counts, double sum) {

        public static final Snapshot EMPTY = new Snapshot(new long[WaitBuckets.count()], 0);

        public Snapshot {
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        public Snapshot plus(Snapshot other) {
            if (other == EMPTY) {
                return this;
            }
            if (this == EMPTY) {
                return other;
            }
            long[] merged = counts.clone();
            for (int i = 0; i < merged.length; i++) {
                merged[i] += other.counts[i];
            }
            return new Snapshot(merged, sum + other.sum);
        }
    }

    /** Null until the first observation: most lists of a multi-tenant broker never see one (unused priorities). */
    private long[] counts;
    private double sum;

    void observe(double seconds, long times) {
        if (times == 0) {
            return;
        }
        if (counts == null) {
            counts = new long[WaitBuckets.count()];
        }
        double wait = Math.max(0, seconds);
        counts[WaitBuckets.indexFor(wait)] += times;
        sum += wait * times;
    }

    public Snapshot snapshot() {
        return counts == null ? Snapshot.EMPTY : new Snapshot(counts, sum);
    }
}
