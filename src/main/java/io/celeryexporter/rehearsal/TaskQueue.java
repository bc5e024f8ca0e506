package io.celeryexporter.rehearsal;

/**
 * Where a rehearsal's tasks wait: a simulated list ({@link SimulatedQueue}), or a real Celery queue on a broker (the
 * live rehearsal). Times are seconds from the start of the rehearsal.
 */
public interface TaskQueue {

    /** Publishes a task that arrives now, at {@code arrival}. */
    void publish(double arrival);

    /** Takes the task a worker would take next and returns when it arrived; NaN when the queue is empty. */
    double take();

    /** Tasks waiting. */
    int size();

    /** When the oldest waiting task arrived; NaN when the queue is empty. */
    double oldestArrival();
}
