package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Pod;
import java.util.List;
import java.util.Map;

/**
 * The worker Deployment a rehearsal scales: modelled pods ({@link WorkerPool}), or real Celery worker processes on
 * this machine (the live rehearsal's {@code --worker-command}). Times are seconds from the start of the rehearsal.
 */
public interface Workers {

    /** Replicas that were running before the rehearsal began: ready from the start. */
    void startWith(int running, TaskLog log);

    /** Sets the Deployment's replicas: new pods start, removed ones get SIGTERM and, after the grace, SIGKILL. */
    void scaleTo(int desired, double now, TaskLog log);

    /** Lets the workers work until {@code now}: take, start, finish, shut down; what happens goes to {@code log}. */
    void work(TaskQueue queue, double now, TaskLog log);

    /** Replicas that are not shutting down: the Deployment's replicas. */
    int size();

    /** Pods that exist, shutting-down ones included: what costs money. */
    int existing();

    /** Nothing running and nothing held. */
    boolean idle(double now);

    WorkerFigures figures(double now);

    /** The pods as the HPA controller's lister sees them. */
    List<Pod> pods(double now);

    /** Records each replica's busy share once a second, keeping the last {@code window} seconds. */
    void sampleCpu(double now, int window);

    /** CPU usage per pod name, in millicores, for the metrics pipeline; empty where it is not known. */
    Map<String, Double> cpuByPod();

    /**
     * Ends the run and reads the tasks' fates off {@code log}: what is still queued, held by a worker, or
     * unacknowledged with no worker left is not lost.
     */
    TaskLog.Figures finish(TaskLog log, TaskQueue queue, double now, double measureFrom);
}
