package io.celeryexporter.cli;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.rehearsal.Chart;
import io.celeryexporter.rehearsal.PipelineSettings;
import io.celeryexporter.rehearsal.PrometheusSamples;
import io.celeryexporter.rehearsal.RecordedArrivals;
import io.celeryexporter.rehearsal.Replay;
import io.celeryexporter.rehearsal.ServiceTimeEstimate;
import io.celeryexporter.rehearsal.Simulation;
import io.celeryexporter.rehearsal.RateCurve;
import io.celeryexporter.rehearsal.Traffic;
import io.celeryexporter.rehearsal.WorkerSettings;
import io.celeryexporter.rehearsal.live.LiveRehearsal;
import io.celeryexporter.web.ListenAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rehearse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Rehearse an HPA or KEDA ScaledObject before production: a model of the controllers driven by",
            "recorded metrics (--replay) or by simulated traffic, workers and the metrics pipeline (--traffic)."})
public final class RehearseCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--autoscaler", required = true, paramLabel = "FILE",
            description = "The HorizontalPodAutoscaler (autoscaling/v2) or ScaledObject (keda.sh/v1alpha1) file.")
    Path autoscaler;

    @Option(names = "--replay", paramLabel = "METRICS.csv",
            description = "Replay recorded values (time_s,metric,value) through the controller alone.")
    Path replay;

    @Option(names = "--initial-replicas", defaultValue = "1", description = "With --replay. Default: ${DEFAULT-VALUE}.")
    int initialReplicas;

    @Option(names = "--traffic", paramLabel = "PROFILE",
            description = {"Simulate: constant, burst, ramp (as in load), sine (--rate-low to --rate and back every",
                "--period), batches (--batch-size tasks at once every --period) or guide (50 tasks/s for 300 s)."})
    String traffic;

    @Option(names = "--traffic-file", paramLabel = "RATES.csv",
            description = "Simulate any shape: rows of time_s,rate, each rate holding until the next row's time.")
    Path trafficFile;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Average arrivals per second (sine: the peak). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--rate-low", defaultValue = "10", paramLabel = "PER_SECOND",
            description = "With --traffic sine: the trough. Default: ${DEFAULT-VALUE}.")
    double rateLow;

    @Option(names = "--period", defaultValue = "10m", converter = DurationConverter.class,
            description = "With --traffic sine: from trough to trough; batches: between two. Default: ${DEFAULT-VALUE}.")
    Duration period;

    @Option(names = "--batch-size", defaultValue = "20", paramLabel = "TASKS",
            description = "With --traffic batches: the tasks that arrive together. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--measure-from", defaultValue = "0s", converter = DurationConverter.class,
            description = {"Summarise from this time on (the timeline and chart still start at 0), so that a cold",
                "start does not hide how a steady load is held. Default: ${DEFAULT-VALUE}."})
    Duration measureFrom;

    @Option(names = "--load.drain-time", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "The exporter's --load.drain-time, for celery_queue_required_replicas. Default: ${DEFAULT-VALUE}.")
    Duration drainTime;

    @Option(names = "--duration", defaultValue = "5m", converter = DurationConverter.class,
            description = "Traffic duration (replay: how long to run). Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--concurrency", defaultValue = "4", description = "Task slots per replica. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--task-seconds", defaultValue = "0.8", description = "Mean service time. Default: ${DEFAULT-VALUE}.")
    double taskSeconds;

    @Option(names = "--task-distribution", defaultValue = "exponential",
            description = "exponential or fixed. Default: ${DEFAULT-VALUE}.")
    String taskDistribution;

    @Option(names = "--pod-startup", defaultValue = "30s", converter = DurationConverter.class,
            description = "From desired to taking tasks. Default: ${DEFAULT-VALUE}.")
    Duration podStartup;

    @Option(names = "--cpu-request", defaultValue = "500m", paramLabel = "CPU", converter = CpuQuantityConverter.class,
            description = "A replica's CPU request, as Kubernetes writes it (500m, 0.5). Default: ${DEFAULT-VALUE}.")
    double cpuRequest;

    @Option(names = "--cpu-per-busy-slot", defaultValue = "100m", paramLabel = "CPU",
            converter = CpuQuantityConverter.class,
            description = "CPU one busy slot burns (10m for an I/O-bound worker). Default: ${DEFAULT-VALUE}.")
    double cpuPerBusySlot;

    @Option(names = "--poll-interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "The exporter's poll. Default: ${DEFAULT-VALUE}.")
    Duration pollInterval;

    @Option(names = "--scrape-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "Prometheus' scrape. Default: ${DEFAULT-VALUE}.")
    Duration scrapeInterval;

    @Option(names = "--sync-period", defaultValue = "15s", converter = DurationConverter.class,
            description = "The HPA controller's sync. Default: ${DEFAULT-VALUE}.")
    Duration syncPeriod;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--price", defaultValue = "0.05", paramLabel = "PER_REPLICA_HOUR",
            description = "For cost_per_task. Default: ${DEFAULT-VALUE}.")
    double price;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or csv. Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Draw queue, oldest age and replicas over time.")
    Path chart;

    @Option(names = "--sweep", paramLabel = "METRIC=V1,V2,...",
            description = "Rerun for each target value of one metric (or KEDA trigger).")
    String sweep;

    @Option(names = "--traffic-from-prometheus", paramLabel = "URL",
            description = {"Replay the arrivals a Prometheus recorded (celery_queue_enqueued_total of --queue) over",
                "--range, or --start to --end: what this autoscaler would have done with that traffic."})
    String trafficFromPrometheus;

    @Option(names = "--queue", paramLabel = "NAME", description = "With --traffic-from-prometheus: the queue.")
    String queue;

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

    /** The service time derived from recorded replicas and drain rate, when --deployment gave one. */
    private Double recordedTaskSeconds;
    private RecordedArrivals recordedArrivals;

    @Option(names = "--live", description = {"Rehearse on a real broker, in real time: publish the --traffic as real",
        "Celery messages into --queue, consume them with modelled pods, and measure the queue with the exporter."})
    boolean live;

    @Mixin BrokerOptions broker = new BrokerOptions();

    @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "With --live: kombu's global_keyprefix.")
    String keyPrefix;

    @Option(names = "--force", description = "With --live: rehearse even if the queue holds tasks (they join the load).")
    boolean force;

    @Option(names = "--prometheus", paramLabel = "URL", description = {"With --live: read the queue through this",
        "Prometheus, as the adapter's query does; it must scrape the exporter the rehearsal serves on",
        "--exporter.listen-address."})
    String prometheus;

    @Option(names = "--exporter.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ":9808",
            description = "With --live --prometheus: where the rehearsal serves its exporter. Default: ${DEFAULT-VALUE}.")
    String exporterListen;

    @Option(names = "--compare", description = {"With --live: also simulate the same traffic, seed and options; the",
        "output is {\"live\": SUMMARY, \"simulated\": SUMMARY}, and --chart draws both."})
    boolean compare;

    @Option(names = "--slo-oldest-age", converter = DurationConverter.class,
            description = "With --sweep: mark the cheapest target whose p95 oldest age meets this.")
    Duration sloOldestAge;

    @Override
    public Integer call() throws IOException {
        if ((replay != null ? 1 : 0) + (traffic != null ? 1 : 0) + (trafficFile != null ? 1 : 0)
                + (trafficFromPrometheus != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("give one of --replay METRICS.csv, --traffic PROFILE, --traffic-file"
                    + " RATES.csv or --traffic-from-prometheus URL");
        }
        if (!List.of("table", "json", "csv").contains(output)) {
            throw new IllegalArgumentException("-o must be table, json or csv, not '" + output + "'");
        }
        Autoscaler model = load();
        PrintWriter out = spec.commandLine().getOut();
        if (replay != null) {
            RehearsalOutput.replay(out, Replay.read(replay).run(model, initialReplicas, (int) duration.toSeconds()));
            return ExitCodes.OK;
        }
        checkSimulatable(model);
        if (sweep != null && live) {
            throw new IllegalArgumentException("--sweep does not go with --live: each value would be a live run");
        }
        if (sweep != null) {
            return sweep(model, out);
        }
        if (live) {
            return live(model, out);
        }
        if (compare) {
            throw new IllegalArgumentException("--compare goes with --live");
        }
        Traffic arrivals = traffic(spec.commandLine().getErr());
        Simulation.Rehearsal result = simulation().run(model, arrivals, seed);
        switch (output) {
            case "json" -> out.println(RehearsalOutput.json(result.summary()));
            case "csv" -> RehearsalOutput.timeline(out, result.timeline());
            default -> RehearsalOutput.table(out, model.name(), result.summary());
        }
        if (chart != null) {
            Files.writeString(chart, Chart.svg(model.name() + ": " + (traffic != null ? traffic + " traffic" : trafficFile != null ? trafficFile.getFileName() + " traffic"
                    : "traffic recorded for queue " + queue), result.timeline()));
        }
        return ExitCodes.OK;
    }

    private int live(Autoscaler model, PrintWriter out) {
        if (traffic == null && trafficFile == null) {
            throw new IllegalArgumentException("--live needs --traffic PROFILE or --traffic-file RATES.csv");
        }
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("--live needs --queue NAME");
        }
        PrintWriter err = spec.commandLine().getErr();
        LiveRehearsal.Settings settings = new LiveRehearsal.Settings(broker.settings(), KeyNaming.withPrefix(keyPrefix),
                PrioritySteps.ALL, queue, force, pollInterval, prometheus, ListenAddress.parse(exporterListen));
        // through Prometheus, the scrape is Prometheus' own: the controller reads its latest value every poll interval
        Simulation liveModel = prometheus == null ? simulation() : simulation(pollInterval);
        LiveRehearsal.run(settings, liveModel, model, traffic(err), seed, err, result -> {
            Simulation.Rehearsal simulated = compare ? simulation().run(load(), traffic(err), seed) : null;
            if (compare) {
                out.println("{\"live\": " + RehearsalOutput.json(result.summary()) + ", \"simulated\": "
                        + RehearsalOutput.json(simulated.summary()) + "}");
            } else {
                switch (output) {
                    case "json" -> out.println(RehearsalOutput.json(result.summary()));
                    case "csv" -> RehearsalOutput.timeline(out, result.timeline());
                    default -> RehearsalOutput.table(out, model.name() + " (live)", result.summary());
                }
            }
            out.flush();
            if (chart != null) {
                String title = model.name() + ": " + traffic + " traffic";
                writeChart(chart, Chart.svg(title + ", live on " + queue, result.timeline()));
                if (simulated != null) {
                    writeChart(simulatedChart(chart), Chart.svg(title + ", simulated", simulated.timeline()));
                }
            }
        });
        return ExitCodes.OK;
    }

    private static void writeChart(Path file, String svg) {
        try {
            Files.writeString(file, svg);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write --chart " + file + ": " + e.getMessage());
        }
    }

    /** {@code out.svg} → {@code out-simulated.svg}. */
    static Path simulatedChart(Path chart) {
        String name = chart.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String simulated = dot < 0 ? name + "-simulated" : name.substring(0, dot) + "-simulated" + name.substring(dot);
        return chart.resolveSibling(simulated);
    }

    private int sweep(Autoscaler model, PrintWriter out) {
        String[] parts = sweep.split("=", 2);
        if (parts.length != 2 || parts[1].isBlank()) {
            throw new IllegalArgumentException("--sweep takes METRIC=V1,V2,..., not '" + sweep + "'");
        }
        List<RehearsalOutput.SweepRow> rows = new ArrayList<>();
        for (String v : parts[1].split(",")) {
            double value;
            try {
                value = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sweep: '" + v + "' is not a number");
            }
            rows.add(new RehearsalOutput.SweepRow(value,
                    simulation().run(model.withTarget(parts[0], value), traffic(spec.commandLine().getErr()), seed)
                            .summary()));
        }
        Double slo = sloOldestAge == null ? null : sloOldestAge.toMillis() / 1000.0;
        RehearsalOutput.sweep(out, output, parts[0], rows, slo);
        return ExitCodes.OK;
    }

    private Autoscaler load() {
        try {
            return AutoscalerFiles.read(autoscaler, syncPeriod.toMillis() / 1000.0, ReplicaCalculator.Settings.DEFAULT);
        } catch (ManifestException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Every input must come from a series the simulation produces. */
    private void checkSimulatable(Autoscaler model) {
        for (MetricSpec input : model.inputs()) {
            if (!Simulation.produces(input.series())) {
                throw new IllegalArgumentException(autoscaler + ": metric '" + input.name() + "' reads "
                        + (input.series() == null ? "no exporter metric" : "'" + input.series() + "'")
                        + ", which the simulation does not produce (celery_queue_length,"
                        + " celery_queue_oldest_task_age_seconds, celery_queue_average_wait_seconds, cpu)");
            }
        }
    }

    private Simulation simulation() {
        return simulation(scrapeInterval);
    }

    private Simulation simulation(Duration scrape) {
        if (!taskDistribution.equals("exponential") && !taskDistribution.equals("fixed")) {
            throw new IllegalArgumentException("--task-distribution must be exponential or fixed");
        }
        if (concurrency < 1 || taskSeconds <= 0) {
            throw new IllegalArgumentException("--concurrency must be at least 1 and --task-seconds above 0");
        }
        double serviceSeconds = recordedTaskSeconds != null ? recordedTaskSeconds : taskSeconds;
        WorkerSettings workers = new WorkerSettings(concurrency, serviceSeconds, taskDistribution.equals("exponential"),
                podStartup.toMillis() / 1000.0, cpuRequest, cpuPerBusySlot);
        PipelineSettings pipeline = new PipelineSettings(pollInterval.toMillis() / 1000.0,
                scrape.toMillis() / 1000.0, syncPeriod.toMillis() / 1000.0, drainTime.toMillis() / 1000.0);
        if (drainTime.isZero()) {
            throw new IllegalArgumentException("--load.drain-time must be positive");
        }
        return new Simulation(workers, pipeline, price, measureFrom.toMillis() / 1000.0);
    }

    private Traffic traffic(PrintWriter err) {
        if (trafficFile != null) {
            try {
                return Traffic.curve(RateCurve.parse(Files.readAllLines(trafficFile)), seed);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --traffic-file " + trafficFile + ": " + e.getMessage());
            }
        }
        if (Traffic.SINE.equals(traffic)) {
            return Traffic.sine(rateLow, rate, period, duration, seed);
        }
        if (Traffic.BATCHES.equals(traffic)) {
            return Traffic.batches(batchSize, period, duration, seed);
        }
        if (trafficFromPrometheus == null) {
            return Traffic.of(traffic, rate, duration, seed);
        }
        if (recordedArrivals == null) {
            recordedArrivals = recorded(err); // once: a sweep replays the same arrivals for every value
        }
        return Traffic.recorded(recordedArrivals);
    }

    /** The arrivals of --queue as Prometheus recorded them, with a line on stderr saying what was found. */
    private RecordedArrivals recorded(PrintWriter err) {
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
        PrometheusSamples prometheus = new PrometheusSamples(trafficFromPrometheus);
        String queueLabel = PrometheusSamples.queueMatcher(queue);
        String selector = "celery_queue_enqueued_total" + queueLabel;
        List<List<RecordedArrivals.Sample>> series = prometheus.samples(selector, from, to);
        if (series.isEmpty()) {
            throw new IllegalArgumentException("Prometheus at " + trafficFromPrometheus + " has no " + selector
                    + " between " + Instant.ofEpochMilli((long) (from * 1000)) + " and "
                    + Instant.ofEpochMilli((long) (to * 1000)));
        }
        RecordedArrivals arrivals = RecordedArrivals.fromCounters(series, from, to);
        err.printf(Locale.ROOT, "recorded traffic: %d arrivals in %.0f s at a %.0f s resolution, from %d series;"
                + " %d counter reset(s), %d gap(s)%n", arrivals.total(), to - from, arrivals.step(), series.size(),
                arrivals.resets(), arrivals.gaps());
        if (deployment != null) {
            recordedTaskSeconds = serviceTime(prometheus, queueLabel, arrivals, from, to, err);
        }
        double exact = prometheus.minOverRange("celery_queue_counts_exact" + queueLabel, from, to);
        if (exact == 0) {
            err.println("note: the exporter counted from snapshots over (part of) this range"
                    + " (celery_queue_counts_exact 0): these arrivals are a lower bound");
        }
        return arrivals;
    }

    /** The service time from the intervals when every worker slot was busy; --task-seconds when there were none. */
    private Double serviceTime(PrometheusSamples prometheus, String queueLabel, RecordedArrivals arrivals,
                               double from, double to, PrintWriter err) {
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
        var estimate = ServiceTimeEstimate.of(departures, length, pods, concurrency);
        if (estimate.isEmpty()) {
            err.printf(Locale.ROOT, "no interval in the range kept every worker slot busy: the service time stays"
                    + " --task-seconds %.2f s%n", taskSeconds);
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
