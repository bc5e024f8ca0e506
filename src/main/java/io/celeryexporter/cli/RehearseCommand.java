package io.celeryexporter.cli;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.autoscaling.manifest.ManifestException;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.rehearsal.Boots;
import io.celeryexporter.rehearsal.Chart;
import io.celeryexporter.rehearsal.LiveDecisions;
import io.celeryexporter.rehearsal.Replay;
import io.celeryexporter.rehearsal.Simulation;
import io.celeryexporter.rehearsal.Traffic;
import io.celeryexporter.rehearsal.live.LiveRehearsal;
import io.celeryexporter.web.ListenAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
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

    // sections of --help; validate = false: any mix of them may be given, each checked where it is used
    @ArgGroup(validate = false, heading = "%nSimulated traffic:%n")
    TrafficOptions traffic = new TrafficOptions();
    @ArgGroup(validate = false, heading = "%nRecorded traffic (a Prometheus):%n")
    RecordedTrafficOptions recorded = new RecordedTrafficOptions();
    @ArgGroup(validate = false, heading = "%nThe modelled workers:%n")
    WorkerModelOptions workers = new WorkerModelOptions();
    @ArgGroup(validate = false, heading = "%nThe metrics pipeline and the controller:%n")
    PipelineOptions pipeline = new PipelineOptions();
    @ArgGroup(validate = false, heading = "%nLive, on a real broker:%n")
    LiveOptions live = new LiveOptions();

    @Option(names = "--measure-from", defaultValue = "0s", converter = DurationConverter.class,
            description = {"Summarise from this time on (the timeline and chart still start at 0), so that a cold",
                "start does not hide how a steady load is held. Default: ${DEFAULT-VALUE}."})
    Duration measureFrom;

    @Option(names = "--duration", defaultValue = "5m", converter = DurationConverter.class,
            description = "Traffic duration (replay: how long to run). Default: ${DEFAULT-VALUE}.")
    Duration duration;

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

    @Option(names = "--queue", paramLabel = "NAME",
            description = "With --traffic-from-prometheus: the recorded queue; with --live: the queue to rehearse on.")
    String queue;

    @Mixin BrokerOptions broker = new BrokerOptions();

    @Option(names = "--slo-oldest-age", converter = DurationConverter.class,
            description = "With --sweep: mark the cheapest target whose p95 oldest age meets this.")
    Duration sloOldestAge;

    @Override
    public Integer call() throws IOException {
        if ((replay != null ? 1 : 0) + (traffic.traffic != null ? 1 : 0) + (traffic.trafficFile != null ? 1 : 0)
                + (recorded.given() ? 1 : 0) != 1) {
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
        if (!live.live && (live.workerCommand != null || live.task != null)) {
            throw new IllegalArgumentException((live.task != null && live.workerCommand == null
                    ? "--task goes with --worker-command" : "--worker-command") + " and --live: real workers run"
                    + " only on a real broker");
        }
        if (sweep != null && live.live) {
            throw new IllegalArgumentException("--sweep does not go with --live: each value would be a live run");
        }
        if (sweep != null) {
            return sweep(model, out);
        }
        if (live.live) {
            return live(model, out);
        }
        if (live.compare) {
            throw new IllegalArgumentException("--compare goes with --live");
        }
        Traffic arrivals = arrivals(spec.commandLine().getErr());
        Simulation.Rehearsal result = simulation().run(model, arrivals, seed);
        switch (output) {
            case "json" -> out.println(RehearsalOutput.json(result.summary()));
            case "csv" -> RehearsalOutput.timeline(out, result.timeline());
            default -> RehearsalOutput.table(out, model.name(), result.summary());
        }
        if (chart != null) {
            writeChart(chart, Chart.svg(model.name() + ": " + (traffic.given() ? traffic.title()
                    : "traffic recorded for queue " + queue), result.timeline()));
        }
        return ExitCodes.OK;
    }

    private int live(Autoscaler model, PrintWriter out) {
        if (!traffic.given()) {
            throw new IllegalArgumentException("--live needs --traffic PROFILE or --traffic-file RATES.csv");
        }
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("--live needs --queue NAME");
        }
        PrintWriter err = spec.commandLine().getErr();
        LiveRehearsal.Settings settings = new LiveRehearsal.Settings(broker.settings(),
                KeyNaming.withPrefix(live.keyPrefix), PrioritySteps.ALL, queue, live.force, pipeline.pollInterval,
                live.prometheus, ListenAddress.parse(live.exporterListen), live.taskTemplate(),
                live.workerCommand(broker.effectiveUrl(), workers.concurrency, workers.podStartup,
                        workers.terminationGrace, workers.visibilityTimeout));
        if (settings.workers() != null) {
            err.println("worker output goes to " + settings.workers().logDir());
        }
        // through Prometheus, the scrape is Prometheus' own: the controller reads its latest value every poll interval
        Simulation liveModel = live.prometheus == null ? simulation() : simulation(pipeline.pollInterval);
        LiveRehearsal.run(settings, liveModel, model, arrivals(err), seed, err, outcome -> {
            Simulation.Rehearsal result = outcome.rehearsal();
            Simulation.Rehearsal simulated = null;
            if (live.compare) {
                Simulation comparison = comparison(outcome, err);
                simulated = comparison.run(load(), arrivals(err), seed);
                // the worker model alone: the same scale-ups and scale-downs as the live run, at the same seconds
                // (the live model lends only its name, inputs and idle count: its state is not read)
                Simulation.Rehearsal followed = comparison.run(new LiveDecisions(model, result.timeline()),
                        arrivals(err), seed);
                out.println("{\"live\": " + RehearsalOutput.json(result.summary()) + ", \"simulated\": "
                        + RehearsalOutput.json(simulated.summary()) + ", \"simulated_on_live_decisions\": "
                        + RehearsalOutput.json(followed.summary())
                        + bootsJson(outcome.workerBoots()) + "}");
            } else {
                switch (output) {
                    case "json" -> out.println(RehearsalOutput.json(result.summary()));
                    case "csv" -> RehearsalOutput.timeline(out, result.timeline());
                    default -> RehearsalOutput.table(out, model.name() + " (live)", result.summary());
                }
            }
            out.flush();
            if (chart != null) {
                String title = model.name() + ": " + traffic.title();
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
            Traffic arrivals = arrivals(spec.commandLine().getErr()); // first: a recording may set the task time
            rows.add(new RehearsalOutput.SweepRow(value,
                    simulation().run(model.withTarget(parts[0], value), arrivals, seed).summary()));
        }
        Double slo = sloOldestAge == null ? null : sloOldestAge.toMillis() / 1000.0;
        RehearsalOutput.sweep(out, output, parts[0], rows, slo);
        return ExitCodes.OK;
    }

    private Autoscaler load() {
        try {
            return AutoscalerFiles.read(autoscaler, pipeline.syncSeconds(), ReplicaCalculator.Settings.DEFAULT);
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
                        + " celery_queue_oldest_task_age_seconds, celery_queue_average_wait_seconds,"
                        + " celery_queue_backlog, celery_queue_load, celery_queue_required_replicas, cpu)");
            }
        }
    }

    private Simulation simulation() {
        return simulation(pipeline.scrapeInterval);
    }

    private Simulation simulation(Duration scrape) {
        return simulation(scrape, Boots.NONE);
    }

    private Simulation simulation(Duration scrape, Boots boots) {
        return new Simulation(workers.settings(recorded.taskSeconds()).booting(boots), pipeline.settings(scrape),
                price, measureFrom.toMillis() / 1000.0);
    }

    /**
     * The simulation {@code --compare} runs: real workers came online only after their app booted, on top of
     * {@code --pod-startup}; in a pod that boot is part of its start-up, so the modelled pods take it too, each the
     * boot its live counterpart took (bench/WORKERS.md: one mean put the modelled pods in step).
     */
    private Simulation comparison(LiveRehearsal.Result live, PrintWriter err) {
        Boots boots = live.workerBoots();
        if (!measured(boots)) {
            return simulation();
        }
        DoubleSummaryStatistics started = boots.inOrder().stream().filter(b -> !Double.isNaN(b))
                .mapToDouble(Double::doubleValue).summaryStatistics();
        err.printf(Locale.ROOT, "the workers took %.1f s on average from their start to their first heartbeat%s:"
                + " the simulation for --compare starts each of its pods that much later than --pod-startup, pod by"
                + " pod as measured%n", boots.otherwise(), started.getCount() < 2 ? ""
                : String.format(Locale.ROOT, " (those started during the run %.1f to %.1f s)", started.getMin(),
                        started.getMax()));
        return simulation(pipeline.scrapeInterval, boots);
    }

    /** Whether a live run timed its workers' boots: it ran real ones, and at least one came online. */
    private static boolean measured(Boots boots) {
        return boots != null && !Double.isNaN(boots.otherwise());
    }

    /** The workers' measured boots, as the JSON of --compare carries them. */
    private static String bootsJson(Boots boots) {
        if (!measured(boots)) {
            return "";
        }
        return String.format(Locale.ROOT, ", \"worker_boot_seconds\": %.3f, \"started_worker_boot_seconds\": [%s]",
                boots.otherwise(), boots.inOrder().stream()
                        .map(b -> Double.isNaN(b) ? "null" : String.format(Locale.ROOT, "%.3f", b))
                        .collect(Collectors.joining(", ")));
    }

    /** The arrivals to play: simulated, or as a Prometheus recorded them (read once, replayed alike each time). */
    private Traffic arrivals(PrintWriter err) {
        if (traffic.given()) {
            return traffic.arrivals(duration, seed);
        }
        return Traffic.recorded(recorded.arrivals(queue, workers, err));
    }
}
