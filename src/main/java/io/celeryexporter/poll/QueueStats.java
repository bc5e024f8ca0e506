package io.celeryexporter.poll;

import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.workers.HeldSplit;
import io.celeryexporter.workers.LoadSignals;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One queue as one poll saw it.
 *
 * @param name             the queue name
 * @param lengthByPriority messages waiting in each priority sub-list, by step
 * @param stepsInUse       the steps whose sub-list has held a task since the exporter started, and the first step:
 *                         the ones worth a series of their own
 * @param reserved         taken by workers (unacked) but not started; ETA tasks excluded
 * @param scheduled        ETA/countdown tasks held by workers
 * @param waiting          oldest age, average wait, arrivals, departures and time-in-queue histogram
 * @param tasksByName      queued tasks per task name ({@code --task-breakdown}); empty when off or still building
 * @param held             the reserved tasks split by what holds them; null with the worker side off
 * @param heldInUse        workers have held a task of this queue since the exporter started: its split is worth
 *                         series of its own (as by-priority series are only for the steps in use)
 * @param load             the load signals of the queue's workers ({@link LoadSignals}); {@link LoadSignals.Values#NONE}
 *                         with the worker side off
 */
public record QueueStats(String name, SortedMap<Integer, Long> lengthByPriority, Set<Integer> stepsInUse,
                         long reserved, long scheduled, QueueWait waiting, Map<String, Long> tasksByName,
                         HeldSplit held, boolean heldInUse, LoadSignals.Values load) {

    public QueueStats {
        lengthByPriority = Collections.unmodifiableSortedMap(new TreeMap<>(lengthByPriority));
        stepsInUse = Set.copyOf(stepsInUse);
        // most queues have no breakdown: one shared empty map, not one per queue, at thousands of queues
        tasksByName = tasksByName.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tasksByName));
    }

    /** The priority steps that hold tasks, with their lengths. */
    public SortedMap<Integer, Long> nonEmptyPriorities() {
        SortedMap<Integer, Long> out = new TreeMap<>();
        lengthByPriority.forEach((step, n) -> {
            if (n > 0) {
                out.put(step, n);
            }
        });
        return out;
    }

    /**
     * Every task that waits to start: in the queue, or in a live worker's prefetch buffer (ETA tasks and orphaned
     * ones aside). What an autoscaler should read. Null with the worker side off.
     */
    public Long backlog() {
        return held == null ? null : length() + held.prefetched();
    }

    /** All priorities together. */
    public long length() {
        long sum = 0;
        for (long n : lengthByPriority.values()) {
            sum += n;
        }
        return sum;
    }
}
