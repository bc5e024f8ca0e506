package io.celeryexporter.rehearsal;

import io.celeryexporter.workers.WorkersConfig;

/**
 * How the metrics reach the controller: the exporter polls Redis, Prometheus scrapes the exporter, the adapter (or
 * KEDA) runs an instant query, and the HPA syncs.
 *
 * @param drainSeconds the exporter's {@code --load.drain-time}, for {@code celery_queue_required_replicas}
 * @param leadSeconds  the exporter's {@code --load.lead-time}, for {@code celery_queue_required_replicas}
 */
public record PipelineSettings(double pollInterval, double scrapeInterval, double syncPeriod, double drainSeconds,
                               double leadSeconds) {

    public static final PipelineSettings DEFAULT = new PipelineSettings(2, 15, 15);

    public PipelineSettings(double pollInterval, double scrapeInterval, double syncPeriod) {
        this(pollInterval, scrapeInterval, syncPeriod, WorkersConfig.DEFAULT_DRAIN_TIME.toMillis() / 1000.0,
                WorkersConfig.DEFAULT_LEAD_TIME.toMillis() / 1000.0);
    }
}
