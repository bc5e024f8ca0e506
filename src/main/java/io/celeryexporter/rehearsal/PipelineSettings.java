package io.celeryexporter.rehearsal;

/**
 * How the metrics reach the controller: the exporter polls Redis, Prometheus scrapes the exporter, the adapter (or
 * KEDA) runs an instant query, and the HPA syncs.
 */
public record PipelineSettings(double pollInterval, double scrapeInterval, double syncPeriod) {

    public static final PipelineSettings DEFAULT = new PipelineSettings(2, 15, 15);
}
