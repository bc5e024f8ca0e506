package io.celeryexporter.workers;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the online workers that consume a queue are doing at one poll: the raw material of its load.
 *
 * @param executing tasks they execute (their heartbeats' {@code active})
 * @param slots     their pool sizes together
 * @param workers   how many they are
 * @param started   tasks started by their groups since the exporter saw them (a counter: workers gone included)
 * @param groups    those groups, so that a change in them is not taken for a burst of starts
 */
public record QueueDemand(long executing, long slots, int workers, long started, Set<String> groups) {

    public QueueDemand {
        groups = Set.copyOf(groups);
    }

    /**
     * The demand on {@code queue}, or null where it cannot be known, so that an autoscaler holds rather than acts on
     * a wrong number: before a whole heartbeat window was heard, while no online worker is known to consume the
     * queue, or while an online worker's queues or slots are unknown (its tasks and slots could belong to this queue
     * or to another). A worker that consumes several queues counts its tasks and slots for each of them.
     */
    public static QueueDemand of(String queue, WorkersView view) {
        if (!view.complete()) {
            return null;
        }
        long executing = 0;
        long slots = 0;
        int workers = 0;
        Set<String> groups = new TreeSet<>();
        for (LiveWorker w : view.holders()) {
            if (w.stopping()) {
                continue; // gone offline: neither its slots nor its last tasks count
            }
            if (w.info().queues() == null) {
                return null;
            }
            if (w.info().queues().contains(queue)) {
                if (w.info().concurrency() == null) {
                    return null;
                }
                executing += w.executing();
                slots += w.info().concurrency();
                workers++;
                groups.add(w.group());
            }
        }
        if (workers == 0) {
            return null;
        }
        long started = view.groups().stream().filter(g -> groups.contains(g.name())).mapToLong(GroupStats::started)
                .sum();
        return new QueueDemand(executing, slots, workers, started, groups);
    }
}
