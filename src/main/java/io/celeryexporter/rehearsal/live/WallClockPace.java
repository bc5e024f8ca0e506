package io.celeryexporter.rehearsal.live;

import io.celeryexporter.rehearsal.Pace;

/**
 * Rehearsal time in step with the wall clock (monotonic), from the rehearsal's first step: the replicas running
 * before it are started and online by then. Stoppable from another thread.
 */
final class WallClockPace implements Pace {

    private volatile long startNanos;
    private volatile boolean started;
    private volatile boolean stopped;

    @Override
    public void waitUntil(double seconds) {
        if (!started) {
            startNanos = System.nanoTime();
            started = true;
        }
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

    /** Seconds of rehearsal time; 0 before its first step. */
    double elapsed() {
        return started ? (System.nanoTime() - startNanos) / 1e9 : 0;
    }
}
