package io.celeryexporter.celery;

/**
 * One Celery task event ({@code task-sent}, {@code task-received}, …) as the exporter needs it.
 *
 * @param type   the event type, e.g. {@code task-sent}
 * @param taskId the task's id ({@code uuid})
 * @param queue  the queue it was sent to; only {@code task-sent} carries it, null otherwise
 */
public record TaskEvent(String type, String taskId, String queue) {

    public static final String SENT = "task-sent";
    public static final String RECEIVED = "task-received";
}
