package io.celeryexporter.keda;

import io.celeryexporter.autoscaling.keda.ScalerMetric;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A KEDA trigger's metadata ({@code ScaledObjectRef.scalerMetadata}), read strictly: a key or value this scaler does
 * not know is an error naming it, never a silent default.
 *
 * @param queue            the queue
 * @param metric           what to scale on
 * @param target           the value per replica (KEDA's {@code AverageValue}) or in all ({@code Value})
 * @param activationTarget active while the metric is above it
 */
public record ScalerRequest(String queue, ScalerMetric metric, double target, double activationTarget) {

    /** The keys KEDA itself puts into every external trigger's metadata: its address and TLS switches. */
    private static final Set<String> KEDA_KEYS = Set.of("scalerAddress", "enableTLS", "unsafeSsl");
    private static final Set<String> OURS = Set.of("queue", "metric", "target", "activationTarget");

    /** @throws IllegalArgumentException with a message that names the key */
    public static ScalerRequest parse(Map<String, String> metadata) {
        for (String key : metadata.keySet()) {
            // KEDA resolves "...FromEnv" from the workload's environment and passes it on under that key
            String plain = key.endsWith("FromEnv") ? key.substring(0, key.length() - "FromEnv".length()) : key;
            if (!OURS.contains(plain) && !KEDA_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown metadata key '" + key + "': this scaler reads queue,"
                        + " metric, target and activationTarget");
            }
        }
        String queue = value(metadata, "queue");
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("metadata key 'queue' is required: the Celery queue to scale on");
        }
        String metricKey = value(metadata, "metric");
        ScalerMetric metric;
        try {
            metric = metricKey == null ? ScalerMetric.BACKLOG : ScalerMetric.of(metricKey.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata key 'metric': " + e.getMessage());
        }
        double target = number(metadata, "target", metric.defaultTarget());
        if (target <= 0) {
            throw new IllegalArgumentException("metadata key 'target' must be above 0, not " + target);
        }
        double activation = number(metadata, "activationTarget", 0);
        return new ScalerRequest(queue, metric, target, activation);
    }

    /** The name this trigger's metric goes by in the HPA (KEDA prefixes it with the trigger's index). */
    public String metricName() {
        String safe = queue.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return "celery-" + metric.key().replace('_', '-') + "-" + (safe.isEmpty() ? "queue" : safe);
    }

    public boolean activeAt(double value) {
        return value > activationTarget;
    }

    private static String value(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        return v != null ? v : metadata.get(key + "FromEnv");
    }

    private static double number(Map<String, String> metadata, String key, double otherwise) {
        String text = value(metadata, key);
        if (text == null) {
            return otherwise;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata key '" + key + "' must be a number, not '" + text + "'");
        }
    }
}
