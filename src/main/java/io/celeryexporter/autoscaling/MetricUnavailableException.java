package io.celeryexporter.autoscaling;

/** A metric the controller cannot use this sync: it proposes nothing, and blocks a scale-down. */
public final class MetricUnavailableException extends Exception {

    public MetricUnavailableException(String message) {
        super(message);
    }
}
