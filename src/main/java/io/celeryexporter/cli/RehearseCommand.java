package io.celeryexporter.cli;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import io.celeryexporter.rehearsal.Chart;
import io.celeryexporter.rehearsal.PipelineSettings;
import io.celeryexporter.rehearsal.Replay;
import io.celeryexporter.rehearsal.Simulation;
import io.celeryexporter.rehearsal.Traffic;
import io.celeryexporter.rehearsal.WorkerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
            description = "Simulate: constant, burst, ramp (as in load) or guide (50 tasks/s for 300 s).")
    String traffic;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "PER_SECOND",
            description = "Average arrivals per second. Default: ${DEFAULT-VALUE}.")
    double rate;

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

    @Option(names = "--cpu-request", defaultValue = "500", paramLabel = "MILLICORES",
            description = "A replica's CPU request. Default: ${DEFAULT-VALUE}m.")
    double cpuRequest;

    @Option(names = "--cpu-per-busy-slot", defaultValue = "100", paramLabel = "MILLICORES",
            description = "CPU one busy slot burns. Default: ${DEFAULT-VALUE}m.")
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

    @Option(names = "--slo-oldest-age", converter = DurationConverter.class,
            description = "With --sweep: mark the cheapest target whose p95 oldest age meets this.")
    Duration sloOldestAge;

    @Override
    public Integer call() throws IOException {
        if ((replay == null) == (traffic == null)) {
            throw new IllegalArgumentException("give either --replay METRICS.csv or --traffic PROFILE");
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
        if (sweep != null) {
            return sweep(model, out);
        }
        Simulation.Rehearsal result = simulation().run(model, traffic(), seed);
        switch (output) {
            case "json" -> out.println(RehearsalOutput.json(result.summary()));
            case "csv" -> RehearsalOutput.timeline(out, result.timeline());
            default -> RehearsalOutput.table(out, model.name(), result.summary());
        }
        if (chart != null) {
            Files.writeString(chart, Chart.svg(model.name() + ": " + traffic + " traffic", result.timeline()));
        }
        return ExitCodes.OK;
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
                    simulation().run(model.withTarget(parts[0], value), traffic(), seed).summary()));
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
        if (!taskDistribution.equals("exponential") && !taskDistribution.equals("fixed")) {
            throw new IllegalArgumentException("--task-distribution must be exponential or fixed");
        }
        if (concurrency < 1 || taskSeconds <= 0) {
            throw new IllegalArgumentException("--concurrency must be at least 1 and --task-seconds above 0");
        }
        WorkerSettings workers = new WorkerSettings(concurrency, taskSeconds, taskDistribution.equals("exponential"),
                podStartup.toMillis() / 1000.0, cpuRequest, cpuPerBusySlot);
        PipelineSettings pipeline = new PipelineSettings(pollInterval.toMillis() / 1000.0,
                scrapeInterval.toMillis() / 1000.0, syncPeriod.toMillis() / 1000.0);
        return new Simulation(workers, pipeline, price);
    }

    private Traffic traffic() {
        return Traffic.of(traffic, rate, duration, seed);
    }
}
