package io.celeryexporter.cli;

import io.celeryexporter.rehearsal.PipelineSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/** rehearse: the path from the queue to the controller (the exporter's poll, Prometheus' scrape, the HPA's sync). */
public final class PipelineOptions {

    @Option(names = "--poll-interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "The exporter's poll. Default: ${DEFAULT-VALUE}.")
    Duration pollInterval;

    @Option(names = "--scrape-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "Prometheus' scrape. Default: ${DEFAULT-VALUE}.")
    Duration scrapeInterval;

    @Option(names = "--sync-period", defaultValue = "15s", converter = DurationConverter.class,
            description = "The HPA controller's sync. Default: ${DEFAULT-VALUE}.")
    Duration syncPeriod;

    @Option(names = "--load.drain-time", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "The exporter's --load.drain-time, for celery_queue_required_replicas. Default: ${DEFAULT-VALUE}.")
    Duration drainTime;

    @Option(names = "--load.lead-time", paramLabel = "DURATION", defaultValue = "25s",
            converter = DurationConverter.class,
            description = "The exporter's --load.lead-time, for celery_queue_required_replicas. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration leadTime;

    /** @param scrape the scrape to model: Prometheus' own in a live rehearsal that reads through one */
    PipelineSettings settings(Duration scrape) {
        if (drainTime.isZero() || drainTime.isNegative()) {
            throw new IllegalArgumentException("--load.drain-time must be positive");
        }
        return new PipelineSettings(seconds(pollInterval), seconds(scrape), seconds(syncPeriod), seconds(drainTime),
                seconds(leadTime));
    }

    double syncSeconds() {
        return seconds(syncPeriod);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
