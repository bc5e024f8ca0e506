package io.celeryexporter.workers;

/**
 * One entry of kombu's {@code unacked} hash: a task a worker took from the broker and has not acknowledged.
 *
 * @param taskId     the task's id, null where its message could not be read
 * @param receivedAt wall-clock seconds when a worker took it (its {@code unacked_index} score); NaN where the index
 *                   has no score for it
 * @param scheduled  an ETA/countdown task, held until due
 */
public record HeldEntry(String taskId, double receivedAt, boolean scheduled) {}
