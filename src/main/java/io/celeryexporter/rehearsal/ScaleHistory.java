package io.celeryexporter.rehearsal;

/**
 * Counts the scaling steps and their reversals from a moment on, and the time the first scale-up took to be served.
 */
final class ScaleHistory {

    private final double countFrom;

    private int events;
    private int reversals;
    private int lastDirection;
    private double firstWantedAt = Double.NaN;
    private int firstWanted;
    private double timeToScale = Double.NaN;

    /** @param countFrom steps before this moment set the direction a later step may reverse, but are not counted */
    ScaleHistory(double countFrom) {
        this.countFrom = countFrom;
    }

    void record(double now, int current, int desired) {
        if (desired == current) {
            return;
        }
        int direction = Integer.signum(desired - current);
        if (now >= countFrom) {
            events++;
            if (lastDirection != 0 && direction != lastDirection) {
                reversals++;
            }
        }
        lastDirection = direction;
        if (direction > 0 && Double.isNaN(firstWantedAt)) {
            firstWantedAt = now;
            firstWanted = desired;
        }
    }

    void readyAt(double now, int ready) {
        if (!Double.isNaN(firstWantedAt) && Double.isNaN(timeToScale) && ready >= firstWanted) {
            timeToScale = now - firstWantedAt;
        }
    }

    int events() {
        return events;
    }

    int reversals() {
        return reversals;
    }

    double timeToScale() {
        return timeToScale;
    }
}
