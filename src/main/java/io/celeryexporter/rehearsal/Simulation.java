package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.Autoscaler;
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

    public Rehearsal run(Autoscaler autoscaler, Traffic traffic, long seed) {
        SimulatedQueue queue = new SimulatedQueue();
        return run(autoscaler, traffic, seed, queue, queue.firstSeen(pipeline.pollInterval()), Pace.INSTANT);
    }

    /**
     * The same loop on any queue and exporter, at any pace: a live rehearsal passes a real broker's queue, the real
     * exporter and the wall clock.
     */
    public Rehearsal run(Autoscaler autoscaler, Traffic traffic, long seed, TaskQueue queue, ExporterView exporter,
                         Pace pace) {
        WorkerPool pool = new WorkerPool(workers, seed);
        MetricsPipeline metrics = new MetricsPipeline(pipeline, workers.cpuRequestMillis());
        List<Second> timeline = new ArrayList<>();
        List<Double> waits = new ArrayList<>();
        ScaleHistory scaling = new ScaleHistory(measureFrom);
        int spec = autoscaler.idleReplicas();
        pool.startWith(spec);
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
                queue.publish(at);
                arrived++;
                arrivedMeasured += measured ? 1 : 0;
                arrivalsThisSecond++;
            }
            pool.dispatch(queue, now, wait -> {
                if (measured) {
                    waits.add(wait);
                }
            });
            if (step % STEPS_PER_SECOND != 0) {
                continue;
            }
            int second = step / STEPS_PER_SECOND;
            metrics.advance(now, exporter, pool, arrived);
            pool.sampleCpu(now, CPU_WINDOW_SECONDS);
            int desired = autoscaler.tick(now, spec, pool.size(), pool.pods(now), metrics.source(pool, queue.size()));
            if (desired > 0 && !Double.isNaN(waitingForWakeSince)) {
                longestWake = Double.isNaN(longestWake) ? now - waitingForWakeSince
                        : Math.max(longestWake, now - waitingForWakeSince);
                waitingForWakeSince = Double.NaN;
            }
            scaling.record(now, spec, desired);
            pool.scaleTo(desired, now);
            spec = desired;
            scaling.readyAt(now, pool.ready(now));
            int queued = queue.size();
            double oldestAge = queued == 0 ? 0 : Math.max(0, now - queue.oldestArrival());
            timeline.add(new Second(second, arrivalsThisSecond, queued, oldestAge, pool.ready(now), desired));
            arrivalsThisSecond = 0;
            replicaSeconds += measured ? pool.existing() : 0;
            boolean settled = now >= traffic.duration() && queued == 0 && pool.idle(now)
                    && spec == autoscaler.idleReplicas() && pool.existing() == spec;
            if (settled || second >= traffic.duration() + MAX_SETTLE_SECONDS || pace.stopped()) {
                long completed = pool.started() - pool.busySlots(now);
                List<Second> span = timeline.stream().filter(t -> t.time() >= measureFrom).toList();
                return new Rehearsal(summary(arrived, completed, arrivedMeasured, span, waits, scaling,
                        replicaSeconds, longestWake), timeline);
            }
        }
    }

    /** Arrived and completed over the whole run; everything else over the measured span. */
    private Summary summary(long arrived, long completed, long arrivedMeasured, List<Second> timeline,
                            List<Double> waits, ScaleHistory scaling, double replicaSeconds, double wakeSeconds) {
        double replicaHours = replicaSeconds / 3600;
        return new Summary(arrived, completed,
                timeline.stream().mapToInt(Second::queueLength).max().orElse(0),
                timeline.stream().mapToDouble(Second::oldestAge).max().orElse(0),
                percentile95(timeline.stream().mapToDouble(Second::oldestAge).toArray()),
                percentile95(waits.stream().mapToDouble(Double::doubleValue).toArray()),
                timeline.stream().mapToInt(Second::desiredReplicas).max().orElse(0),
                replicaHours,
                arrivedMeasured * workers.taskSeconds() / workers.concurrency() / 3600,
                scaling.events(), scaling.reversals(), scaling.timeToScale(),
                waits.isEmpty() ? Double.NaN : replicaHours * pricePerReplicaHour / waits.size(), wakeSeconds);
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
