package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Pod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleConsumer;

/**
 * The replicas of the worker Deployment and their task slots. A new replica takes tasks {@code podStartup} after it is
 * desired; a removed one takes no new task and goes when its slots are free (Celery's warm shutdown). Removal picks
 * replicas that are not ready yet first, then the newest, as a ReplicaSet does.
 */
final class WorkerPool {

    private static final class Replica {
        final String name;
        final double readyAt;
        final double[] busyUntil;
        boolean leaving;
        /** Busy share of the slots, one sample a second, for the CPU the metrics pipeline reads. */
        final ArrayDeque<Double> busySamples = new ArrayDeque<>();

        Replica(String name, double readyAt, int slots) {
            this.name = name;
            this.readyAt = readyAt;
            this.busyUntil = new double[slots];
        }

        boolean ready(double now) {
            return now >= readyAt;
        }

        int busy(double now) {
            int n = 0;
            for (double until : busyUntil) {
                if (until > now) {
                    n++;
                }
            }
            return n;
        }
    }

    private final WorkerSettings settings;
    private final Random random;
    private final List<Replica> replicas = new ArrayList<>();
    private int created;
    private long started;

    WorkerPool(WorkerSettings settings, long seed) {
        this.settings = settings;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** Replicas that are not leaving: the Deployment's replicas. */
    int size() {
        return (int) replicas.stream().filter(r -> !r.leaving).count();
    }

    /** Pods that exist, leaving ones included: what costs money. */
    int existing() {
        return replicas.size();
    }

    int ready(double now) {
        return (int) replicas.stream().filter(r -> !r.leaving && r.ready(now)).count();
    }

    boolean idle(double now) {
        return replicas.stream().allMatch(r -> r.busy(now) == 0);
    }

    /** Replicas that were running before the rehearsal began: ready from the start. */
    void startWith(int running) {
        for (int i = 0; i < running; i++) {
            replicas.add(new Replica("worker-" + created++, Double.NEGATIVE_INFINITY, settings.concurrency()));
        }
    }

    void scaleTo(int desired, double now) {
        while (size() < desired) {
            replicas.add(new Replica("worker-" + created++, now + settings.podStartup(), settings.concurrency()));
        }
        while (size() > desired) {
            Replica victim = null;
            for (Replica r : replicas) {
                if (r.leaving) {
                    continue;
                }
                boolean better = victim == null || (!r.ready(now) && victim.ready(now))
                        || (r.ready(now) == victim.ready(now) && r.readyAt >= victim.readyAt);
                if (better) {
                    victim = r;
                }
            }
            victim.leaving = true;
        }
    }

    /**
     * Gives queued tasks to free slots of ready replicas, in the order the queue hands them out; reports each task's
     * wait. Stops asking once the queue is empty.
     */
    void dispatch(TaskQueue queue, double now, DoubleConsumer waited) {
        dispatching:
        for (Replica r : replicas) {
            if (r.leaving || !r.ready(now)) {
                continue;
            }
            for (int s = 0; s < r.busyUntil.length; s++) {
                if (r.busyUntil[s] <= now) {
                    double arrival = queue.take();
                    if (Double.isNaN(arrival)) {
                        break dispatching;
                    }
                    waited.accept(now - arrival);
                    started++;
                    r.busyUntil[s] = now + serviceTime();
                }
            }
        }
        replicas.removeIf(r -> r.leaving && r.busy(now) == 0);
    }

    /** Slots of the ready replicas that are not leaving: the online workers' pool sizes. */
    int readySlots(double now) {
        return ready(now) * settings.concurrency();
    }

    /** Tasks the ready replicas that are not leaving work on now: what the online workers' heartbeats report. */
    int executing(double now) {
        return replicas.stream().filter(r -> !r.leaving && r.ready(now)).mapToInt(r -> r.busy(now)).sum();
    }

    /** Tasks started since the rehearsal began: what the workers' heartbeats count as {@code processed}. */
    long started() {
        return started;
    }

    /** Tasks being worked on now. */
    int busySlots(double now) {
        return replicas.stream().mapToInt(r -> r.busy(now)).sum();
    }

    /** Records each replica's busy share once a second, keeping the last {@code window} seconds. */
    void sampleCpu(double now, int window) {
        for (Replica r : replicas) {
            if (r.ready(now)) {
                r.busySamples.addLast((double) r.busy(now) / r.busyUntil.length);
                while (r.busySamples.size() > window) {
                    r.busySamples.pollFirst();
                }
            }
        }
    }

    /** The pods as the HPA controller's lister sees them. */
    List<Pod> pods(double now) {
        List<Pod> out = new ArrayList<>();
        for (Replica r : replicas) {
            boolean ready = r.ready(now);
            out.add(new Pod(r.name, ready ? Pod.Phase.RUNNING : Pod.Phase.PENDING, ready, r.readyAt, r.readyAt,
                    r.leaving));
        }
        return out;
    }

    /** Usage per replica name, for the metrics pipeline. */
    Map<String, Double> cpuByPod() {
        Map<String, Double> out = new HashMap<>();
        for (Replica r : replicas) {
            if (!r.busySamples.isEmpty()) {
                double share = r.busySamples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                out.put(r.name, share * settings.concurrency() * settings.cpuPerBusySlot());
            }
        }
        return out;
    }

    private double serviceTime() {
        return settings.taskTimes().next(random);
    }
}
