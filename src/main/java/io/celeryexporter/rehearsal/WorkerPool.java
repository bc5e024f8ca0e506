package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Pod;
import io.celeryexporter.autoscaling.PodUids;
import io.celeryexporter.autoscaling.ReplicaSetScaleDown;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Modelled worker pods, as Celery 5.2 on Redis behaves (checked against real workers: bench/WORKERS.md).
 * <ul>
 *   <li>A new replica takes tasks {@code podStartup}, plus its boot ({@link Boots}), after it is desired.</li>
 *   <li>It keeps up to prefetch multiplier × slots tasks unacknowledged ({@link WorkerBehaviour#mayTake}); each
 *       has an entry in the modelled broker's {@code unacked}, by delivery tag, from receipt to acknowledgement.
 *       The tag is the task's id: kombu sets it when the message is published and a restore puts the same message
 *       back, so a copy has its original's tag.</li>
 *   <li>Removal picks the pod a ReplicaSet would ({@link ReplicaSetScaleDown}): not ready first, then the newest
 *       on a logarithmic scale (of those ready within the same doubling of age, the one with the lowest UID).
 *       The removed replica stops taking tasks, finishes its running ones, then gives back what it prefetched to
 *       the head of the queue (measured: the restore comes after the running tasks, not at SIGTERM). At the grace
 *       period it is killed: its running tasks are lost (acks early) or stay unacknowledged (acks late), as does
 *       what it prefetched.</li>
 *   <li>Every live replica sweeps {@code unacked} at its start, then 10 s later and every 100 s after that (or,
 *       drawn for about a third of them, 100 s after its start: {@link WorkerBehaviour#RESTORE_SWEEP_SECONDS}),
 *       and gives back to the head of the queue what was received longer than the visibility timeout ago, even from
 *       a live holder (which then runs it too).</li>
 * </ul>
 */
final class WorkerPool implements Workers {

    private record Running(QueuedTask task, double until) {}

    /** An entry of the broker's {@code unacked}: what a worker received and has not acknowledged. */
    private record Unacked(QueuedTask task, double receivedAt, String holder) {}

    private static final class Replica {
        final String name;
        final String uid;
        final double createdAt;
        final double readyAt;
        final int slots;
        final List<Running> running = new ArrayList<>();
        final ArrayDeque<QueuedTask> reserved = new ArrayDeque<>();
        /**
         * The delivery tags its prefetch limit counts (kombu's {@code QoS._delivered}): a restored copy of a message
         * it still holds has the same tag, so it takes no more room, and acknowledging either copy frees the tag.
         */
        final Set<String> delivered = new HashSet<>();
        double terminatedAt = Double.NaN;
        /** Seconds from the start-up sweep to the timer's first ({@link WorkerBehaviour#RESTORE_SWEEP_SECONDS}). */
        final double firstTimerSweep;
        double nextSweep;
        int sweeps;
        /** Busy share of the slots, one sample a second, for the CPU the metrics pipeline reads. */
        final ArrayDeque<Double> busySamples = new ArrayDeque<>();

        Replica(String name, String uid, double createdAt, double readyAt, int slots, double firstTimerSweep) {
            this.name = name;
            this.uid = uid;
            this.createdAt = createdAt;
            this.readyAt = readyAt;
            this.slots = slots;
            this.firstTimerSweep = firstTimerSweep;
            this.nextSweep = Math.max(readyAt, 0); // a replica running before the rehearsal sweeps from its start
        }

        /** Moves on from the sweep due at {@code nextSweep}: the start-up one is followed by the timer's first. */
        void swept() {
            nextSweep += sweeps++ == 0 ? firstTimerSweep : WorkerBehaviour.RESTORE_SWEEP_SECONDS;
        }

        boolean ready(double now) {
            return now >= readyAt;
        }

        boolean leaving() {
            return !Double.isNaN(terminatedAt);
        }

        boolean consuming(double now) {
            return ready(now) && !leaving();
        }
    }

    private final WorkerSettings settings;
    private final WorkerBehaviour behaviour;
    private final Random random;
    /** Apart from the task times' draws, so that they stay the same whatever the sweeps draw. */
    private final Random sweepPhases;
    private final PodUids uids;
    private final List<Replica> replicas = new ArrayList<>();
    private final Map<String, Unacked> unacked = new LinkedHashMap<>();
    private int created;
    /** Replicas started since the rehearsal began: which {@link Boots} each takes. */
    private int startedSince;
    private long started;
    private int rotation;

    WorkerPool(WorkerSettings settings, long seed) {
        this(settings, seed, new Random(seed ^ 0x2545F4914F6CDD1DL));
    }

    /** @param sweepPhases draws each replica's timer phase (see {@link WorkerBehaviour#RESTORE_SWEEP_SECONDS}) */
    WorkerPool(WorkerSettings settings, long seed, Random sweepPhases) {
        this.settings = settings;
        this.behaviour = settings.behaviour();
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.sweepPhases = sweepPhases;
        this.uids = new PodUids(seed);
    }

    @Override
    public int size() {
        return (int) replicas.stream().filter(r -> !r.leaving()).count();
    }

    @Override
    public int existing() {
        return replicas.size();
    }

    @Override
    public boolean idle(double now) {
        return replicas.stream().allMatch(r -> r.running.isEmpty() && r.reserved.isEmpty());
    }

    @Override
    public void startWith(int running, TaskLog log) {
        for (int i = 0; i < running; i++) {
            add(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        }
    }

    @Override
    public void scaleTo(int desired, double now, TaskLog log) {
        while (size() < desired) {
            add(now, now + settings.podStartup() + settings.boots().of(startedSince++));
        }
        while (size() > desired) {
            String pod = ReplicaSetScaleDown.next(pods(now), now).orElseThrow().name();
            Replica victim = replicas.stream().filter(r -> r.name.equals(pod)).findFirst().orElseThrow();
            victim.terminatedAt = now;
            log.terminated(victim.name, now);
        }
    }

    private void add(double createdAt, double readyAt) {
        double firstTimerSweep = sweepPhases.nextDouble() < WorkerBehaviour.EARLY_TIMER_SWEEP_SHARE
                ? WorkerBehaviour.EARLY_TIMER_SWEEP_SECONDS : WorkerBehaviour.RESTORE_SWEEP_SECONDS;
        replicas.add(new Replica("worker-" + created++, uids.next(), createdAt, readyAt, settings.concurrency(),
                firstTimerSweep));
    }

    @Override
    public void work(TaskQueue queue, double now, TaskLog log) {
        for (Replica r : replicas) {
            finishRunning(r, now, log);
            startReserved(r, now, log);
        }
        for (Iterator<Replica> it = replicas.iterator(); it.hasNext(); ) {
            Replica r = it.next();
            if (r.leaving() && shutDown(r, queue, now, log)) {
                it.remove();
            }
        }
        sweep(queue, now);
        take(queue, now, log);
    }

    private void finishRunning(Replica r, double now, TaskLog log) {
        for (Iterator<Running> it = r.running.iterator(); it.hasNext(); ) {
            Running task = it.next();
            if (task.until() <= now) {
                it.remove();
                log.succeeded(task.task().id());
                if (behaviour.acksLate()) {
                    acknowledge(r, task.task().id());
                }
            }
        }
    }

    private void startReserved(Replica r, double now, TaskLog log) {
        while (!r.leaving() && r.running.size() < r.slots && !r.reserved.isEmpty()) {
            QueuedTask next = r.reserved.pollFirst();
            r.running.add(new Running(next, now + settings.taskTimes().next(random)));
            started++;
            log.started(next.id(), now);
            if (!behaviour.acksLate()) {
                acknowledge(r, next.id());
            }
        }
    }

    /** Acknowledges the message: its {@code unacked} entry goes, whichever worker received it last. */
    private void acknowledge(Replica r, String tag) {
        unacked.remove(tag);
        r.delivered.remove(tag);
    }

    /** Whether the shutting-down replica is gone: it finished its running tasks, or the grace period ran out. */
    private boolean shutDown(Replica r, TaskQueue queue, double now, TaskLog log) {
        if (r.running.isEmpty()) {
            List<QueuedTask> restored = new ArrayList<>();
            for (Iterator<QueuedTask> it = r.reserved.descendingIterator(); it.hasNext(); ) {
                QueuedTask held = it.next(); // each is RPUSHed in turn: the last received ends up at the head
                if (unacked.remove(held.id()) != null) {
                    restored.add(held);
                }
            }
            queue.restore(restored);
            return true;
        }
        if (now >= r.terminatedAt + behaviour.terminationGrace()) {
            log.killed(r.name, now); // acks early: its running tasks were acknowledged, so they are gone
            return true;
        }
        return false;
    }

    /** The restore sweep of whichever live replica's timer is due. */
    private void sweep(TaskQueue queue, double now) {
        boolean due = false;
        for (Replica r : replicas) {
            if (r.consuming(now) && now >= r.nextSweep) {
                due = true;
                while (r.nextSweep <= now) {
                    r.swept();
                }
            }
        }
        if (!due || unacked.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Unacked>> overdue = new ArrayList<>();
        for (Map.Entry<String, Unacked> e : unacked.entrySet()) {
            if (e.getValue().receivedAt() <= now - behaviour.visibilityTimeout()) {
                overdue.add(e);
            }
        }
        overdue.sort((a, b) -> Double.compare(a.getValue().receivedAt(), b.getValue().receivedAt()));
        List<QueuedTask> restored = new ArrayList<>();
        for (Map.Entry<String, Unacked> e : overdue) {
            unacked.remove(e.getKey());
            restored.add(e.getValue().task()); // newest first from ZREVRANGEBYSCORE, each RPUSHed: oldest at the head
        }
        queue.restore(restored);
    }

    /** Consuming replicas take one task each in turn, as their BRPOPs are served, until none may or none is left. */
    private void take(TaskQueue queue, double now, TaskLog log) {
        if (replicas.isEmpty()) {
            return;
        }
        rotation++;
        boolean took = true;
        while (took) {
            took = false;
            for (int i = 0; i < replicas.size(); i++) {
                Replica r = replicas.get((i + rotation) % replicas.size());
                if (!r.consuming(now) || !behaviour.mayTake(r.slots, r.delivered.size(), r.running.size())) {
                    continue;
                }
                QueuedTask task = queue.take();
                if (task == null) {
                    return;
                }
                unacked.put(task.id(), new Unacked(task, now, r.name)); // a copy's receipt rewrites its entry
                r.reserved.addLast(task);
                r.delivered.add(task.id());
                log.received(task.id(), r.name, now);
                startReserved(r, now, log);
                took = true;
            }
        }
    }

    @Override
    public WorkerFigures figures(double now) {
        int ready = 0;
        long executing = 0;
        long prefetched = 0;
        for (Replica r : replicas) {
            if (r.consuming(now)) {
                ready++;
                executing += r.running.size();
            }
            prefetched += r.reserved.size();
        }
        Set<String> alive = new HashSet<>();
        replicas.forEach(r -> alive.add(r.name));
        long orphaned = unacked.values().stream().filter(u -> !alive.contains(u.holder())).count();
        return new WorkerFigures(ready, (long) ready * settings.concurrency(), executing, started, prefetched,
                orphaned);
    }

    @Override
    public void sampleCpu(double now, int window) {
        for (Replica r : replicas) {
            if (r.ready(now)) {
                r.busySamples.addLast((double) r.running.size() / r.slots);
                while (r.busySamples.size() > window) {
                    r.busySamples.pollFirst();
                }
            }
        }
    }

    @Override
    public List<Pod> pods(double now) {
        List<Pod> out = new ArrayList<>();
        for (Replica r : replicas) {
            boolean ready = r.ready(now);
            out.add(new Pod(r.name, r.uid, ready ? Pod.Phase.RUNNING : Pod.Phase.PENDING, ready, r.createdAt,
                    r.readyAt, r.readyAt, r.leaving()));
        }
        return out;
    }

    @Override
    public Map<String, Double> cpuByPod() {
        Map<String, Double> out = new HashMap<>();
        for (Replica r : replicas) {
            if (!r.busySamples.isEmpty()) {
                double share = r.busySamples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                out.put(r.name, share * settings.concurrency() * settings.cpuPerBusySlot());
            }
        }
        return out;
    }

    @Override
    public TaskLog.Figures finish(TaskLog log, TaskQueue queue, double now, double measureFrom) {
        Set<String> stillThere = new HashSet<>(queue.queuedIds());
        for (Replica r : replicas) {
            r.running.forEach(t -> stillThere.add(t.task().id()));
            r.reserved.forEach(t -> stillThere.add(t.id()));
        }
        unacked.values().forEach(u -> stillThere.add(u.task().id()));
        return log.figures(measureFrom, stillThere, figures(now).orphaned());
    }
}
