package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.PrometheusSamples;
import io.celeryexporter.rehearsal.RecordedArrivals;
import io.celeryexporter.rehearsal.ServiceTimeEstimate;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * rehearse --traffic-from-prometheus: the arrivals a Prometheus recorded, and, with --deployment, the service time
 * its recorded drain rate and replicas imply. Read once, so that a sweep replays the same arrivals for every value.
 */
public final class RecordedTrafficOptions {

    @Option(names = "--traffic-from-prometheus", paramLabel = "URL",
            description = {"Replay the arrivals a Prometheus recorded (celery_queue_enqueued_total of --queue) over",
                "--range, or --start to --end: what this autoscaler would have done with that traffic."})
    String url;

    @Option(names = "--range", defaultValue = "1h", converter = DurationConverter.class,
            description = "With --traffic-from-prometheus: the last this long. Default: ${DEFAULT-VALUE}.")
    Duration range;

    @Option(names = "--start", paramLabel = "TIME",
            description = "With --traffic-from-prometheus, instead of --range: RFC 3339 (2026-11-29T10:00:00Z) or Unix"
                    + " seconds.")
    String start;

    @Option(names = "--end", paramLabel = "TIME", description = "With --start: the end of the range.")
    String end;

    @Option(names = "--deployment", paramLabel = "NAME", description = {"With --traffic-from-prometheus: the workers'",
        "Deployment, whose replicas kube-state-metrics recorded: the service time is then derived from the recorded",
        "drain rate and replicas instead of --task-seconds."})
    String deployment;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --deployment: its namespace.")
    String namespace;

    private RecordedArrivals arrivals;
    /** The service time derived from recorded replicas and drain rate, when --deployment gave one. */
    private Double taskSeconds;

    boolean given() {
        return url != null;
    }

    /** The service time the recording implies; null unless --deployment derived one. */
    Double taskSeconds() {
        return taskSeconds;
    }

    /**
     * The arrivals of {@code queue} as Prometheus recorded them, with a line on stderr saying what was found.
     *
     * @param workers the modelled workers, whose slots the service time is derived with
     */
    RecordedArrivals arrivals(String queue, WorkerModelOptions workers, PrintWriter err) {
        if (arrivals == null) {
            arrivals = read(queue, workers, err);
        }
        return arrivals;
    }

    private RecordedArrivals read(String queue, WorkerModelOptions workers, PrintWriter err) {
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("--traffic-from-prometheus needs --queue NAME");
        }
        if ((start == null) != (end == null)) {
            throw new IllegalArgumentException("give both --start and --end, or neither (then --range)");
        }
        double to = end == null ? System.currentTimeMillis() / 1000.0 : time("--end", end);
        double from = start == null ? to - range.toMillis() / 1000.0 : time("--start", start);
        if (to <= from) {
            throw new IllegalArgumentException("--end must come after --start");
        }
        PrometheusSamples prometheus = new PrometheusSamples(url);
        String queueLabel = PrometheusSamples.queueMatcher(queue);
        String selector = "celery_queue_enqueued_total" + queueLabel;
        List<List<RecordedArrivals.Sample>> series = prometheus.samples(selector, from, to);
        if (series.isEmpty()) {
            throw new IllegalArgumentException("Prometheus at " + url + " has no " + selector
                    + " between " + Instant.ofEpochMilli((long) (from * 1000)) + " and "
                    + Instant.ofEpochMilli((long) (to * 1000)));
        }
        RecordedArrivals recorded = RecordedArrivals.fromCounters(series, from, to);
        err.printf(Locale.ROOT, "recorded traffic: %d arrivals in %.0f s at a %.0f s resolution, from %d series;"
                + " %d counter reset(s), %d gap(s)%n", recorded.total(), to - from, recorded.step(), series.size(),
                recorded.resets(), recorded.gaps());
        if (deployment != null) {
            taskSeconds = serviceTime(prometheus, queueLabel, recorded, from, to, workers, err);
        }
        double exact = prometheus.minOverRange("celery_queue_counts_exact" + queueLabel, from, to);
        if (exact == 0) {
            err.println("note: the exporter counted from snapshots over (part of) this range"
                    + " (celery_queue_counts_exact 0): these arrivals are a lower bound");
        }
        return recorded;
    }

    /** The service time from the intervals when every worker slot was busy; --task-seconds when there were none. */
    private Double serviceTime(PrometheusSamples prometheus, String queueLabel, RecordedArrivals arrivals,
                               double from, double to, WorkerModelOptions workers, PrintWriter err) {
        String workload = "{deployment=\"" + deployment + "\"" + (namespace == null ? "" : ",namespace=\""
                + namespace + "\"") + "}";
        List<List<RecordedArrivals.Sample>> replicas = prometheus.samples("kube_deployment_status_replicas"
                + workload, from, to);
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("Prometheus has no kube_deployment_status_replicas" + workload
                    + " in that range (kube-state-metrics), so no service time can be derived; drop --deployment to"
                    + " use --task-seconds");
        }
        RecordedArrivals departures = RecordedArrivals.fromCounters(prometheus.samples(
                "celery_queue_dequeued_total" + queueLabel, from, to), from, to, arrivals.step());
        double[] length = RecordedArrivals.gaugeAtSteps(prometheus.samples("celery_queue_length" + queueLabel, from,
                to), from, arrivals.step(), arrivals.steps());
        double[] pods = RecordedArrivals.gaugeAtSteps(replicas, from, arrivals.step(), arrivals.steps());
        var estimate = ServiceTimeEstimate.of(departures, length, pods, workers.concurrency);
        if (estimate.isEmpty()) {
            err.printf(Locale.ROOT, "no interval in the range kept every worker slot busy: the service time stays"
                    + " --task-seconds %.2f s%n", workers.taskSeconds);
            return null;
        }
        err.printf(Locale.ROOT, "service time %.2f s, from the recorded drain rate and replicas (median of %d"
                + " intervals with every slot busy)%n", estimate.get().seconds(), estimate.get().intervals());
        return estimate.get().seconds();
    }

    private static double time(String flag, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notSeconds) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli() / 1000.0;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(flag + " '" + text + "' is neither RFC 3339"
                        + " (2026-11-29T10:00:00Z) nor Unix seconds");
            }
        }
    }
}
