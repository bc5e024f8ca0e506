package io.celeryexporter.celery;

import java.util.List;
import java.util.Map;

/**
 * A task to publish as Celery would: {@code app.send_task(name, args, kwargs, queue=…, priority=…, eta=…)}.
 *
 * @param queue        the target queue (Celery's anonymous exchange: the routing key is the queue)
 * @param name         the registered task name
 * @param id           the task id (a uuid4)
 * @param args         positional arguments (JSON-serialisable)
 * @param kwargs       keyword arguments (JSON-serialisable)
 * @param priority     0–9
 * @param eta          the ETA as Celery writes it (ISO-8601 with offset), or null
 * @param extraHeaders headers a {@code before_task_publish} hook would add, e.g. a publish time
 */
public record OutgoingTask(String queue, String name, String id, List<Object> args, Map<String, Object> kwargs,
                           int priority, String eta, Map<String, Object> extraHeaders) {

    public OutgoingTask {
        args = List.copyOf(args);
        kwargs = Map.copyOf(kwargs);
        extraHeaders = Map.copyOf(extraHeaders);
    }
}
