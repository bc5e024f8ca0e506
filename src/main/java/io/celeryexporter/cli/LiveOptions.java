package io.celeryexporter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.rehearsal.live.TaskTemplate;
import io.celeryexporter.rehearsal.live.WorkerCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** rehearse --live: on a real broker, in real time. */
public final class LiveOptions {

    @Option(names = "--live", description = {"Rehearse on a real broker, in real time: publish the --traffic as real",
        "Celery messages into --queue, consume them with modelled pods, and measure the queue with the exporter."})
    boolean live;

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

    @Option(names = "--worker-command", paramLabel = "CMD", description = {"With --live: real Celery workers stand in",
        "for the pods, one process per replica, e.g. 'celery -A myapp worker -Q evaluation -c 4 -E'. Each gets",
        "CELERY_BROKER_URL and --hostname celery@POD; a removed one gets SIGTERM, then SIGKILL at",
        "--termination-grace-period. -E lets the rehearsal count lost, redelivered and twice-run tasks."})
    String workerCommand;

    @Option(names = "--task", paramLabel = "NAME", description = {"With --worker-command: the registered task to",
        "publish (the workers' own code runs)."})
    String task;

    @Option(names = "--args", paramLabel = "JSON", defaultValue = "[]",
            description = "With --task: its positional arguments, a JSON array. Default: ${DEFAULT-VALUE}.")
    String args;

    @Option(names = "--worker-ready-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class, description = {"With --worker-command: how long a started worker",
                "has to come online (its first heartbeat). Default: ${DEFAULT-VALUE}."})
    Duration workerReadyTimeout;

    @Option(names = "--compare", description = {"With --live: also simulate the same traffic, seed and options, once",
        "with the autoscaler and once on the live run's scaling decisions; the output is {\"live\": SUMMARY,",
        "\"simulated\": SUMMARY, \"simulated_on_live_decisions\": SUMMARY}, and --chart draws the first two."})
    boolean compare;

    /** The task to publish: the user's with real workers, the rehearsal's own with modelled pods. */
    TaskTemplate taskTemplate() {
        if (workerCommand == null) {
            if (task != null) {
                throw new IllegalArgumentException("--task goes with --worker-command: modelled pods run no code");
            }
            return TaskTemplate.MODELLED;
        }
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("--worker-command needs --task NAME: a task the workers' app registers");
        }
        try {
            Object parsed = new ObjectMapper().readValue(args, Object.class);
            if (!(parsed instanceof List<?> list)) {
                throw new IllegalArgumentException("--args must be a JSON array, like '[20, 120]', not " + args);
            }
            return new TaskTemplate(task, List.copyOf(list));
        } catch (IOException e) {
            throw new IllegalArgumentException("--args is not JSON: " + args);
        }
    }

    /** The real workers, or null for modelled pods. */
    WorkerCommand workerCommand(String brokerUrl, int concurrency, Duration podStartup, Duration grace,
                                Duration visibilityTimeout) {
        if (workerCommand == null) {
            return null;
        }
        if (workerCommand.isBlank()) {
            throw new IllegalArgumentException("--worker-command is empty");
        }
        try {
            return new WorkerCommand(workerCommand, brokerUrl, concurrency, podStartup.toMillis() / 1000.0,
                    grace.toMillis() / 1000.0, visibilityTimeout.toMillis() / 1000.0,
                    workerReadyTimeout.toMillis() / 1000.0,
                    Files.createTempDirectory("rehearse-workers"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot make a directory for the workers' output: " + e.getMessage());
        }
    }
}
