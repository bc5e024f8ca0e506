package io.celeryexporter.workers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits a queue's unacknowledged tasks into prefetched, running and orphaned, by the best tier the workers' events
 * allow (see {@link HeldSplit.Tier}). A worker's ack mode decides what kombu's {@code unacked} holds: with acks early,
 * Celery's default, prefetched tasks only; with acks late, the running ones too. Pure.
 */
public final class HeldTasks {

    private HeldTasks() {}

    /**
     * @param entries           the queue's unacked entries, ETA ones included
     * @param workers           the workers now
     * @param holders           who holds which task, from task events
     * @param visibilityTimeout kombu's {@code visibility_timeout}, seconds
     * @param now               wall-clock seconds
     */
    public static HeldSplit split(String queue, List<HeldEntry> entries, WorkersView workers, TaskHolders holders,
                                  double visibilityTimeout, double now) {
        long overdue = entries.stream().filter(e -> now - e.receivedAt() > visibilityTimeout).count();
        List<HeldEntry> held = new ArrayList<>(entries.stream().filter(e -> !e.scheduled()).toList());
        held.sort(Comparator.comparingDouble(HeldEntry::receivedAt)); // NaN last: the index has no score for them
        if (!workers.complete()) {
            // not listened long enough to know who is alive: a worker not heard yet may hold any of them
            long running = Math.min(held.size(), workers.holders().stream()
                    .filter(w -> w.info().mayConsume(queue) && w.info().acksLateOrDefault())
                    .mapToLong(LiveWorker::executing).sum());
            return new HeldSplit(HeldSplit.Tier.START_TIMES, held.size() - running, running, 0, overdue,
                    oldestAge(held, running, held.size() - running, now), oldestAge(held, 0, running, now), 0);
        }
        List<LiveWorker> consumers = workers.holders().stream().filter(w -> w.info().mayConsume(queue)).toList();
        if (consumers.isEmpty()) {
            return new HeldSplit(HeldSplit.Tier.CERTAIN, 0, 0, held.size(), overdue, 0, 0,
                    oldestAge(held, 0, held.size(), now));
        }
        if (consumers.stream().allMatch(w -> holders.sendsEvents(w.hostname()))
                && held.stream().allMatch(e -> e.taskId() != null && holders.holderOf(e.taskId()) != null)) {
            return exact(held, workers, holders, overdue, now);
        }
        long beforeEveryStart = held.stream()
                .filter(e -> consumers.stream().noneMatch(w -> w.mayHoldTaskReceivedAt(e.receivedAt()))).count();
        Long capacity = 0L;
        long runningAtMost = 0;
        for (LiveWorker w : consumers) {
            Long c = w.info().capacity();
            capacity = capacity == null || c == null ? null : capacity + c;
            if (w.info().acksLateOrDefault()) {
                runningAtMost += w.executing();
            }
        }
        long rest = held.size() - beforeEveryStart;
        long orphaned = beforeEveryStart + (capacity == null ? 0 : Math.max(0, rest - capacity));
        long running = Math.min(held.size() - orphaned, runningAtMost);
        long prefetched = held.size() - orphaned - running;
        // the oldest are the likeliest orphans: a dead worker's tasks were received before the live ones' prefetch
        return new HeldSplit(capacity == null ? HeldSplit.Tier.START_TIMES : HeldSplit.Tier.CAPACITY, prefetched,
                running, orphaned, overdue, oldestAge(held, orphaned + running, prefetched, now),
                oldestAge(held, orphaned, running, now), oldestAge(held, 0, orphaned, now));
    }

    private static HeldSplit exact(List<HeldEntry> held, WorkersView workers, TaskHolders holders, long overdue,
                                   double now) {
        Set<String> live = new HashSet<>();
        workers.holders().forEach(w -> live.add(w.hostname()));
        long[] counts = new long[3]; // prefetched, running, orphaned
        double[] oldest = new double[3];
        for (HeldEntry e : held) {
            TaskHolders.Holder h = holders.holderOf(e.taskId());
            int state = !live.contains(h.hostname()) ? 2 : h.started() ? 1 : 0;
            if (counts[state]++ == 0) {
                oldest[state] = age(e, now);
            }
        }
        return new HeldSplit(HeldSplit.Tier.EXACT, counts[0], counts[1], counts[2], overdue, oldest[0], oldest[1],
                oldest[2]);
    }

    /** The age of the first of {@code count} entries from {@code from}, oldest first; 0 when there are none. */
    private static double oldestAge(List<HeldEntry> oldestFirst, long from, long count, double now) {
        return count == 0 ? 0 : age(oldestFirst.get((int) from), now);
    }

    private static double age(HeldEntry e, double now) {
        return Double.isNaN(e.receivedAt()) ? 0 : Math.max(0, now - e.receivedAt());
    }
}
