package io.celeryexporter.tracking;

import java.util.Arrays;

/**
 * Upper bounds of the time-in-queue histogram, in seconds: 10 ms to 1 h, about three per decade, so quantiles stay
 * meaningful both for a queue that drains in milliseconds and one that backs up for an hour.
 */
public final class WaitBuckets {

    private static final double[] BOUNDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
        1800, 3600};

    private WaitBuckets() {}

    public static double[] bounds() {
        return BOUNDS.clone();
    }

    /** Index of the first bucket whose upper bound is at least {@code seconds}; {@code BOUNDS.length} for +Inf. */
    static int indexFor(double seconds) {
        int i = Arrays.binarySearch(BOUNDS, seconds);
        return i >= 0 ? i : -i - 1;
    }

    static int count() {
        return BOUNDS.length + 1;
    }
}
