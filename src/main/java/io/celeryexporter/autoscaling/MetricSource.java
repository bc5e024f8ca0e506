package io.celeryexporter.autoscaling;

import java.util.Optional;

/** The metrics APIs as one sync sees them: empty when a metric cannot be read (no series, an error). */
@FunctionalInterface
public interface MetricSource {

    /** How a value reaches the controller. */
    enum Path {
        /** Scraped by Prometheus and queried from it: the scrape's delay on top of the exporter's poll. */
        PROMETHEUS,
        /** Asked of the exporter itself (KEDA's external scaler API): its last poll, without the scrape. */
        EXPORTER,
        /** Pushed as it happens (an external-push trigger's stream, fed by keyspace notifications). */
        LIVE
    }

    Optional<MetricReading> read(MetricSpec metric);

    /** The value as it arrives by this path; sources that know only Prometheus answer the same for every path. */
    default Optional<MetricReading> read(MetricSpec metric, Path path) {
        return read(metric);
    }
}
