package io.celeryexporter.celery;

/**
 * What the exporter needs from one stored Celery message. Times are epoch seconds; {@code NaN} means absent.
 *
 * @param protocol     1 or 2 (task protocol)
 * @param taskName     {@code headers.task} (v2) or the body's {@code task} (v1)
 * @param taskId       the task id
 * @param priority     {@code properties.priority}, 0 when missing
 * @param eta          the ETA/countdown time
 * @param publishedAt  the publish time, from an enqueue-time header or {@code expires - expiration}
 * @param redelivered  kombu restored this message at least once
 * @param exchange     {@code properties.delivery_info.exchange}
 * @param routingKey   {@code properties.delivery_info.routing_key}
 */
public record TaskMessage(
        int protocol,
        String taskName,
        String taskId,
        int priority,
        double eta,
        double publishedAt,
        boolean redelivered,
        String exchange,
        String routingKey) {

    public boolean hasEta() {
        return !Double.isNaN(eta);
    }

    public boolean hasPublishedAt() {
        return !Double.isNaN(publishedAt);
    }
}
