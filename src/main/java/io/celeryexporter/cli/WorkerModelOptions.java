package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.TaskTimes;
import io.celeryexporter.rehearsal.WorkerBehaviour;
import io.celeryexporter.rehearsal.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** rehearse: the modelled worker pods. */
public final class WorkerModelOptions {

    @Option(names = "--concurrency", defaultValue = "4", description = "Task slots per replica. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--task-seconds", defaultValue = "0.8",
            description = "Mean task time (lognormal: the median). Default: ${DEFAULT-VALUE}.")
    double taskSeconds;

    @Option(names = "--task-distribution", defaultValue = "exponential",
            description = {"exponential, fixed, or lognormal (--task-seconds its median, --task-seconds-p99 its 99th",
                "percentile). Default: ${DEFAULT-VALUE}."})
    String taskDistribution;

    @Option(names = "--task-seconds-p99", paramLabel = "SECONDS",
            description = "With --task-distribution lognormal: the 99th percentile of the task time.")
    Double taskSecondsP99;

    @Option(names = "--task-seconds-from", paramLabel = "FILE", description = {"Draw task times from recorded ones:",
        "one duration in seconds per line, or le,count rows of a cumulative histogram (celery_queue_wait_seconds'",
        "buckets, or your own task-time histogram)."})
    Path taskSecondsFrom;

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

    @Option(names = "--worker-model", defaultValue = "celery", description = {"celery: workers that prefetch,",
        "acknowledge, shut down and get killed as Celery 5 and Kubernetes do (the options below); ideal: pods that",
        "take a task only into a free slot and finish what they run however long it takes. Default: ${DEFAULT-VALUE}."})
    String workerModel;

    @Option(names = "--prefetch-multiplier", defaultValue = "4", paramLabel = "N", description = {"Celery's",
        "worker_prefetch_multiplier: a worker holds up to N x --concurrency tasks it has not acknowledged.",
        "Default: ${DEFAULT-VALUE}."})
    int prefetchMultiplier;

    @Option(names = "--acks-late", description = {"Celery's task_acks_late: acknowledge a task when it ends, so a",
        "killed worker's running tasks come back after --visibility-timeout instead of being lost."})
    boolean acksLate;

    @Option(names = "--termination-grace-period", defaultValue = "30s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = {"terminationGracePeriodSeconds: from SIGTERM (Celery's warm",
                "shutdown) to SIGKILL. Default: ${DEFAULT-VALUE}."})
    Duration terminationGrace;

    @Option(names = "--visibility-timeout", defaultValue = "3600s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = {"kombu's visibility_timeout: an unacknowledged task comes back this",
                "long after it was received, at a live worker's restore sweep. Default: ${DEFAULT-VALUE}."})
    Duration visibilityTimeout;

    /** @param recordedTaskSeconds a mean service time derived from recorded traffic, which wins; null for none */
    WorkerSettings settings(Double recordedTaskSeconds) {
        if (concurrency < 1 || taskSeconds <= 0) {
            throw new IllegalArgumentException("--concurrency must be at least 1 and --task-seconds above 0");
        }
        return new WorkerSettings(concurrency, taskTimes(recordedTaskSeconds), podStartup.toMillis() / 1000.0,
                cpuRequest, cpuPerBusySlot, behaviour());
    }

    private WorkerBehaviour behaviour() {
        return switch (workerModel) {
            case "ideal" -> WorkerBehaviour.IDEAL;
            case "celery" -> {
                if (prefetchMultiplier < 1) {
                    throw new IllegalArgumentException("--prefetch-multiplier must be at least 1 (Celery's 0, no"
                            + " limit, is not modelled)");
                }
                if (visibilityTimeout.isZero() || visibilityTimeout.isNegative()) {
                    throw new IllegalArgumentException("--visibility-timeout must be above 0");
                }
                yield new WorkerBehaviour(prefetchMultiplier, acksLate, terminationGrace.toMillis() / 1000.0,
                        visibilityTimeout.toMillis() / 1000.0);
            }
            default -> throw new IllegalArgumentException("--worker-model must be celery or ideal, not '"
                    + workerModel + "'");
        };
    }

    private TaskTimes taskTimes(Double recordedMean) {
        if (taskSecondsFrom != null) {
            try {
                return TaskTimes.Recorded.parse(Files.readAllLines(taskSecondsFrom));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--task-seconds-from " + taskSecondsFrom + ": " + e.getMessage());
            }
        }
        if (taskSecondsP99 != null && !taskDistribution.equals("lognormal")) {
            throw new IllegalArgumentException("--task-seconds-p99 goes with --task-distribution lognormal");
        }
        TaskTimes chosen = switch (taskDistribution) {
            case "exponential" -> new TaskTimes.Exponential(taskSeconds);
            case "fixed" -> new TaskTimes.Fixed(taskSeconds);
            case "lognormal" -> {
                if (taskSecondsP99 == null) {
                    throw new IllegalArgumentException("--task-distribution lognormal needs --task-seconds-p99");
                }
                yield new TaskTimes.LogNormal(taskSeconds, taskSecondsP99);
            }
            default -> throw new IllegalArgumentException("--task-distribution must be exponential, fixed or"
                    + " lognormal, not '" + taskDistribution + "'");
        };
        if (recordedMean == null) {
            return chosen;
        }
        return chosen.withMean(recordedMean); // the recording fixes the mean; the shape stays the one asked for
    }
}
