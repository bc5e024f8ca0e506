package io.celeryexporter.workers;

import io.celeryexporter.tracking.PollTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker side of each queue, carried from poll to poll: what the workers hold of it, whether they have held any
 * of its tasks (only then is its split worth series of its own, as by-priority series are only for the steps in
 * use), and its load signals. Pure, time passed in; not thread-safe.
 */
public final class QueueWorkers {

    /** One queue's worker figures at one poll. */
    public record Figures(HeldSplit held, boolean heldInUse, LoadSignals.Values load) {}

    private final WorkersConfig config;
    private final Map<String, LoadSignals> loads = new HashMap<>();
    private final Set<String> heldInUse = new HashSet<>();

    public QueueWorkers(WorkersConfig config) {
        this.config = config;
    }

    /** Forgets the queues no longer read. */
    public void retain(Set<String> queues) {
        heldInUse.retainAll(queues);
        loads.keySet().retainAll(queues);
    }

    /**
     * @param entries the queue's unacked entries
     * @param length  its tasks in the queue
     * @param arrived its arrivals so far (a counter)
     */
    public Figures of(String queue, List<HeldEntry> entries, long length, long arrived, WorkersView workers,
                      TaskHolders holders, PollTime now) {
        if (!entries.isEmpty()) {
            heldInUse.add(queue);
        }
        HeldSplit split = HeldTasks.split(queue, entries, workers, holders,
                config.visibilityTimeout().toMillis() / 1000.0, now.wallSeconds());
        LoadSignals.Values load = loads.computeIfAbsent(queue,
                q -> new LoadSignals(config.drainTime().toMillis() / 1000.0, config.leadTime().toMillis() / 1000.0))
                .add(now.monotonicSeconds(), QueueDemand.of(queue, workers), length + split.prefetched(), arrived);
        return new Figures(split, heldInUse.contains(queue), load);
    }
}
