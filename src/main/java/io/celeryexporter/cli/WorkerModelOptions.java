package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.WorkerSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** rehearse: the modelled worker pods. */
public final class WorkerModelOptions {

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

    /** @param recordedTaskSeconds a service time derived from recorded traffic, which wins; null for none */
    WorkerSettings settings(Double recordedTaskSeconds) {
        if (!taskDistribution.equals("exponential") && !taskDistribution.equals("fixed")) {
            throw new IllegalArgumentException("--task-distribution must be exponential or fixed");
        }
        if (concurrency < 1 || taskSeconds <= 0) {
            throw new IllegalArgumentException("--concurrency must be at least 1 and --task-seconds above 0");
        }
        return new WorkerSettings(concurrency, recordedTaskSeconds != null ? recordedTaskSeconds : taskSeconds,
                taskDistribution.equals("exponential"), podStartup.toMillis() / 1000.0, cpuRequest, cpuPerBusySlot);
    }
}
