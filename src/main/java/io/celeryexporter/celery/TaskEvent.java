package io.celeryexporter.celery;

/**
 * One Celery task event ({@code task-sent}, {@code task-received}, …) as the exporter needs it.
 *
 * @param type     the event type, e.g. {@code task-sent}
 * @param taskId   the task's id ({@code uuid})
 * @param queue    the queue it was sent to; only {@code task-sent} carries it, null otherwise
 * @param hostname the worker's node name ({@code celery@host}) on the worker's events, the producer's on
 *                 {@code task-sent}; null when absent
 */
public record TaskEvent(String type, String taskId, String queue, String hostname) {

    public static final String SENT = "task-sent";
    public static final String RECEIVED = "task-received";
    public static final String STARTED = "task-started";

    /** The task left the worker: it finished, failed, was retried (a new message), revoked or rejected. */
    public boolean endsTheTask() {
        return switch (type) {
            case "task-succeeded", "task-failed", "task-retried", "task-revoked", "task-rejected" -> true;
            default -> false;
        };
    }
}
