package io.celeryexporter.rehearsal.live;

import io.celeryexporter.rehearsal.Pace;

/** Rehearsal time in step with the wall clock (monotonic), from the moment it is made; stoppable from another thread. */
final class WallClockPace implements Pace {

    private final long startNanos = System.nanoTime();
    private volatile boolean stopped;

    @Override
    public void waitUntil(double seconds) {
        long due = startNanos + (long) (seconds * 1e9);
        long left;
        while (!stopped && (left = due - System.nanoTime()) > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    /** Ends the rehearsal at its next step, with the summary so far. */
    void stop() {
        stopped = true;
    }

    double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
