package io.celeryexporter.rehearsal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happened to each task and each worker, from the simulated workers or from a live run's Celery task events,
 * and the figures read off it after the run. Both sources write the same history, so both are judged by the same
 * code.
 */
public final class TaskLog {

    /** The task figures of a run; NaN where they could not be known (a live run without task events). */
    public record Figures(double completed, Summary.TaskFates fates, List<Double> waitsToStart) {

        public static final Figures UNKNOWN = new Figures(Double.NaN, Summary.TaskFates.UNKNOWN, List.of());
    }

    private record Receipt(String worker, double at) {}

    private static final class History {
        final double arrival;
        final List<Receipt> receipts = new ArrayList<>(1);
        double firstStart = Double.NaN;
        int starts;
        boolean succeeded;

        History(double arrival) {
            this.arrival = arrival;
        }
    }

    private final Map<String, History> tasks = new LinkedHashMap<>();
    private final Map<String, Double> terminatedAt = new HashMap<>();
    private final Map<String, Double> killedAt = new HashMap<>();

    public void published(QueuedTask task) {
        tasks.put(task.id(), new History(task.arrival()));
    }

    /** A worker took the task from the queue into its hands (task-received). Unknown ids are someone else's. */
    public void received(String id, String worker, double at) {
        History h = tasks.get(id);
        if (h != null) {
            h.receipts.add(new Receipt(worker, at));
        }
    }

    public void started(String id, double at) {
        History h = tasks.get(id);
        if (h != null) {
            h.starts++;
            h.firstStart = Double.isNaN(h.firstStart) ? at : Math.min(h.firstStart, at);
        }
    }

    public void succeeded(String id) {
        History h = tasks.get(id);
        if (h != null) {
            h.succeeded = true;
        }
    }

    public boolean hasSucceeded(String id) {
        History h = tasks.get(id);
        return h != null && h.succeeded;
    }

    /** The worker was sent SIGTERM: a warm shutdown, after which it gives back what it prefetched. */
    public void terminated(String worker, double at) {
        terminatedAt.putIfAbsent(worker, at);
    }

    /** The worker was sent SIGKILL: what it held stays unacknowledged until a visibility timeout passes. */
    public void killed(String worker, double at) {
        killedAt.putIfAbsent(worker, at);
    }

    public int published() {
        return tasks.size();
    }

    /**
     * The figures, once the run is over.
     *
     * @param measureFrom  waits count for tasks that started from this moment
     * @param stillThere   tasks known to be somewhere at the end: queued, held by a live worker, or unacknowledged
     *                     with no worker (they come back after the visibility timeout). A task that never
     *                     succeeded and is not among them is lost
     * @param stranded     how many tasks are unacknowledged with no worker left at the end
     */
    public Figures figures(double measureFrom, Set<String> stillThere, long stranded) {
        long completed = 0;
        long lost = 0;
        long redelivered = 0;
        long runTwice = 0;
        double maxDelay = Double.NaN;
        List<Double> waits = new ArrayList<>();
        for (Map.Entry<String, History> e : tasks.entrySet()) {
            History h = e.getValue();
            completed += h.succeeded ? 1 : 0;
            lost += !h.succeeded && !stillThere.contains(e.getKey()) ? 1 : 0;
            runTwice += h.starts > 1 ? 1 : 0;
            if (!Double.isNaN(h.firstStart) && h.firstStart >= measureFrom) {
                waits.add(h.firstStart - h.arrival);
            }
            double delay = redeliveryDelay(h.receipts);
            if (!Double.isNaN(delay)) {
                redelivered++;
                maxDelay = Double.isNaN(maxDelay) ? delay : Math.max(maxDelay, delay);
            }
        }
        return new Figures(completed, new Summary.TaskFates(lost, redelivered, runTwice, stranded, maxDelay), waits);
    }

    /**
     * The longest a task was gone before a worker received it again other than from a warm shutdown's restore: its
     * holder was killed (from the kill), or still held it when a restore sweep gave it back (from its receipt). NaN
     * for a task never redelivered.
     */
    private double redeliveryDelay(List<Receipt> receipts) {
        double longest = Double.NaN;
        for (int i = 1; i < receipts.size(); i++) {
            Receipt before = receipts.get(i - 1);
            Receipt again = receipts.get(i);
            Double killed = killedAt.get(before.worker());
            Double terminated = terminatedAt.get(before.worker());
            double delay;
            if (killed != null && killed <= again.at()) {
                delay = again.at() - killed;
            } else if (terminated != null && terminated <= again.at()) {
                continue; // given back by the warm shutdown
            } else {
                delay = again.at() - before.at();
            }
            longest = Double.isNaN(longest) ? delay : Math.max(longest, delay);
        }
        return longest;
    }
}
