package io.celeryexporter.rehearsal;

import java.util.List;
import java.util.Set;

/**
 * Where a rehearsal's tasks wait: a simulated list ({@link SimulatedQueue}), or a real Celery queue on a broker (the
 * live rehearsal). Times are seconds from the start of the rehearsal.
 */
public interface TaskQueue {

    /** The id of the rehearsal's {@code sequence}-th task. */
    default String newTaskId(long sequence) {
        return Long.toString(sequence);
    }

    /** Publishes a task, as a producer does: at the tail, consumed last. */
    void publish(QueuedTask task);

    /** Takes the task a worker would take next; null when the queue is empty. */
    QueuedTask take();

    /**
     * Puts tasks back at the head, consumed next, as kombu restores unacknowledged messages (RPUSH); the first of
     * {@code tasks} ends up nearest the head.
     */
    void restore(List<QueuedTask> tasks);

    /** Tasks waiting. */
    int size();

    /** The ids of the rehearsal's tasks still waiting, read once at the end. */
    Set<String> queuedIds();

    /** When the oldest waiting task arrived; NaN when the queue is empty. */
    double oldestArrival();
}
