package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Autoscaler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plays traffic through a queue, workers, the metrics pipeline and an autoscaler, in steps of 50 ms of model time.
 * It runs until the traffic has ended, the queue is empty and the replicas are back at the autoscaler's idle count,
 * capped at one model hour after the traffic ends. Deterministic for a seed.
 */
public final class Simulation {

    static final int STEPS_PER_SECOND = 20;
    /** How long after the traffic ends a rehearsal may run on, for the queue to drain and replicas to settle. */
    static final int MAX_SETTLE_SECONDS = 3600;
    /** The window of CPU usage a metrics-server sample covers. */
    static final int CPU_WINDOW_SECONDS = 30;

    /** A finished rehearsal: its summary and its timeline, one entry a second. */
    public record Rehearsal(Summary summary, List<Second> timeline) {}

    private final WorkerSettings workers;
    private final PipelineSettings pipeline;
    private final double pricePerReplicaHour;
    private final double measureFrom;

    /** Whether a metric reading this series can be rehearsed: the exporter's queue series and CPU. */
    public static boolean produces(String series) {
        return MetricsPipeline.produces(series);
    }

    public Simulation(WorkerSettings workers, PipelineSettings pipeline, double pricePerReplicaHour) {
        this(workers, pipeline, pricePerReplicaHour, 0);
    }

    /**
     * @param measureFrom seconds of model time from which the summary counts (the timeline still starts at 0), so
     *                    that a cold start does not hide how the autoscaler holds a steady load
     */
    public Simulation(WorkerSettings workers, PipelineSettings pipeline, double pricePerReplicaHour,
                      double measureFrom) {
        this.workers = workers;
        this.pipeline = pipeline;
        this.pricePerReplicaHour = pricePerReplicaHour;
        this.measureFrom = measureFrom;
    }

    /** The exporter's --load settings this simulation models, for a live exporter to take alike. */
    public Duration drainTime() {
        return Duration.ofMillis(Math.round(pipeline.drainSeconds() * 1000));
    }

    public Duration leadTime() {
        return Duration.ofMillis(Math.round(pipeline.leadSeconds() * 1000));
    }

    public Rehearsal run(Autoscaler autoscaler, Traffic traffic, long seed) {
        SimulatedQueue queue = new SimulatedQueue();
        return run(autoscaler, traffic, seed, queue, queue.firstSeen(pipeline.pollInterval()), Pace.INSTANT,
                modelledWorkers(seed));
    }

    /** The modelled pods of these settings, for a live rehearsal on a real broker without real workers. */
    public Workers modelledWorkers(long seed) {
        return new WorkerPool(workers, seed);
    }

    /**
     * The same loop on any queue, exporter and workers, at any pace: a live rehearsal passes a real broker's queue,
     * the real exporter, the wall clock, and modelled pods or real worker processes.
     */
    public Rehearsal run(Autoscaler autoscaler, Traffic traffic, long seed, TaskQueue queue, ExporterView exporter,
                         Pace pace, Workers pool) {
        MetricsPipeline metrics = new MetricsPipeline(pipeline, workers.cpuRequestMillis());
        TaskLog log = new TaskLog();
        List<Second> timeline = new ArrayList<>();
        ScaleHistory scaling = new ScaleHistory(measureFrom);
        IdleSlots idleSlots = new IdleSlots();
        int spec = autoscaler.idleReplicas();
        pool.startWith(spec, log);
        long arrived = 0;
        long arrivedMeasured = 0;
        int arrivalsThisSecond = 0;
        double replicaSeconds = 0;
        double waitingForWakeSince = Double.NaN;
        double longestWake = Double.NaN;
        for (int step = 0; ; step++) {
            double now = (double) step / STEPS_PER_SECOND;
            boolean measured = now >= measureFrom;
            pace.waitUntil(now);
            while (traffic.nextArrival() <= now) {
                double at = traffic.take();
                if (spec == 0 && Double.isNaN(waitingForWakeSince)) {
                    waitingForWakeSince = at;
                }
                QueuedTask task = new QueuedTask(queue.newTaskId(arrived), at);
                log.published(task);
                queue.publish(task);
                arrived++;
                arrivedMeasured += measured ? 1 : 0;
                arrivalsThisSecond++;
            }
            pool.work(queue, now, log);
            if (step % STEPS_PER_SECOND != 0) {
                continue;
            }
            int second = step / STEPS_PER_SECOND;
            WorkerFigures figures = pool.figures(now);
            metrics.advance(now, exporter, figures, arrived);
            pool.sampleCpu(now, CPU_WINDOW_SECONDS);
            int queued = queue.size();
            if (measured) {
                idleSlots.add(figures, queued);
            }
            int desired = autoscaler.tick(now, spec, pool.size(), pool.pods(now), metrics.source(pool, queued, queued + figures.prefetched()));
            if (desired > 0 && !Double.isNaN(waitingForWakeSince)) {
                longestWake = Double.isNaN(longestWake) ? now - waitingForWakeSince
                        : Math.max(longestWake, now - waitingForWakeSince);
                waitingForWakeSince = Double.NaN;
            }
            scaling.record(now, spec, desired);
            pool.scaleTo(desired, now, log);
            spec = desired;
            int ready = (int) pool.pods(now).stream().filter(p -> p.ready() && !p.deleting()).count();
            scaling.readyAt(now, ready);
            double oldestAge = queued == 0 ? 0 : Math.max(0, now - queue.oldestArrival());
            timeline.add(new Second(second, arrivalsThisSecond, queued, oldestAge, ready, desired,
                    queued + figures.prefetched(), figures.orphaned()));
            arrivalsThisSecond = 0;
            replicaSeconds += measured ? pool.existing() : 0;
            // a killed worker's unacknowledged tasks come back after the visibility timeout: wait for them too
            boolean settled = now >= traffic.duration() && queued == 0 && pool.idle(now) && figures.orphaned() == 0
                    && spec == autoscaler.idleReplicas() && pool.existing() == spec;
            if (settled || second >= traffic.duration() + MAX_SETTLE_SECONDS || pace.stopped()) {
                TaskLog.Figures tasks = pool.finish(log, queue, now, measureFrom);
                List<Second> span = timeline.stream().filter(t -> t.time() >= measureFrom).toList();
                return new Rehearsal(summary(arrived, arrivedMeasured, span, tasks, scaling, replicaSeconds,
                        longestWake, idleSlots.share()), timeline);
            }
        }
    }

    /** Arrived, completed and the tasks' fates over the whole run; everything else over the measured span. */
    private Summary summary(long arrived, long arrivedMeasured, List<Second> timeline, TaskLog.Figures tasks,
                            ScaleHistory scaling, double replicaSeconds, double wakeSeconds, double idleSlotShare) {
        double replicaHours = replicaSeconds / 3600;
        List<Double> waits = tasks.waitsToStart();
        return new Summary(arrived, tasks.completed(),
                timeline.stream().mapToInt(Second::queueLength).max().orElse(0),
                timeline.stream().mapToDouble(Second::oldestAge).max().orElse(0),
                percentile95(timeline.stream().mapToDouble(Second::oldestAge).toArray()),
                waits.isEmpty() && Double.isNaN(tasks.completed()) ? Double.NaN
                        : percentile95(waits.stream().mapToDouble(Double::doubleValue).toArray()),
                timeline.stream().mapToInt(Second::desiredReplicas).max().orElse(0),
                replicaHours,
                arrivedMeasured * workers.taskSeconds() / workers.concurrency() / 3600,
                scaling.events(), scaling.reversals(), scaling.timeToScale(),
                waits.isEmpty() ? Double.NaN : replicaHours * pricePerReplicaHour / waits.size(), wakeSeconds,
                tasks.fates(), idleSlotShare);
    }

    /** Of the online workers' slots, the share idle while tasks waited to start, sampled once a second. */
    private static final class IdleSlots {
        private long idle;
        private long offered;

        void add(WorkerFigures workers, int queued) {
            if (queued + workers.prefetched() > 0 && workers.slots() > 0) {
                idle += Math.max(0, workers.slots() - workers.executing());
                offered += workers.slots();
            }
        }

        double share() {
            return offered == 0 ? Double.NaN : (double) idle / offered;
        }
    }

    /** Nearest rank; 0 for no samples. */
    static double percentile95(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
    }
}
