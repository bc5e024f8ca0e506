package io.celeryexporter.autoscaling;

import java.util.Map;

/** What the metrics APIs return for one metric at one sync. */
public sealed interface MetricReading {

    /** External or Object: the sum of the items the API returned. */
    record Total(double value) implements MetricReading {}

    /** Pods metrics, or Resource usage: one value per pod that has one (and its request, for Resource). */
    record PerPod(Map<String, PodValue> values) implements MetricReading {
        public PerPod {
            values = Map.copyOf(values);
        }
    }

    /** @param request the pod's request of the resource (0 for a Pods metric) */
    record PodValue(double value, double request) {}
}
