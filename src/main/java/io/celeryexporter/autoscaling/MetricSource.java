package io.celeryexporter.autoscaling;

import java.util.Optional;

/** The metrics APIs as one sync sees them: empty when a metric cannot be read (no series, an error). */
@FunctionalInterface
public interface MetricSource {

    Optional<MetricReading> read(MetricSpec metric);
}
