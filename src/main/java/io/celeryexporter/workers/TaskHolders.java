package io.celeryexporter.workers;

import io.celeryexporter.celery.TaskEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which worker holds which task, from the task events of workers run with {@code -E}: {@code task-received} names the
 * worker that took a task from the broker, {@code task-started} says it runs, and an ending event
 * ({@code task-succeeded}, {@code -failed}, {@code -retried}, {@code -revoked}, {@code -rejected}) that it is no
 * longer held. Bounded: the eldest are forgotten past {@link #MAX_TASKS}. Not thread-safe.
 */
public final class TaskHolders {

    /** Tasks remembered at most (about 150 bytes each). */
    public static final int MAX_TASKS = 100_000;

    /** A task's holder and whether it has started. */
    public record Holder(String hostname, boolean started) {}

    private final Map<String, Holder> byTask = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Holder> eldest) {
            return size() > MAX_TASKS;
        }
    };
    /** Workers heard sending task events, most recent last; bounded, as node names churn with pods. */
    private final Map<String, Boolean> senders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_SENDERS;
        }
    };
    private static final int MAX_SENDERS = 10_000;

    public void apply(TaskEvent e) {
        if (e.hostname() != null && !e.type().equals(TaskEvent.SENT)) {
            senders.put(e.hostname(), Boolean.TRUE);
        }
        if (e.hostname() == null && !e.endsTheTask()) {
            return;
        }
        switch (e.type()) {
            case TaskEvent.RECEIVED -> byTask.put(e.taskId(), new Holder(e.hostname(), false));
            case TaskEvent.STARTED -> byTask.put(e.taskId(), new Holder(e.hostname(), true));
            default -> {
                if (e.endsTheTask()) {
                    byTask.remove(e.taskId());
                }
            }
        }
    }

    /** The worker that holds the task, or null where no event said. */
    public Holder holderOf(String taskId) {
        return byTask.get(taskId);
    }

    /** Whether this worker sends task events ({@code -E}): only then is every task it takes attributed. */
    public boolean sendsEvents(String hostname) {
        return senders.containsKey(hostname);
    }
}
