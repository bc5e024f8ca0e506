package io.celeryexporter.celery;

/**
 * A value of kombu's {@code unacked} hash: {@code [message, exchange, routing_key]}, the message a worker took but has
 * not acknowledged.
 */
public record UnackedEntry(TaskMessage message, String exchange, String routingKey) {

    /** ETA/countdown tasks wait in worker memory until due: Celery calls them scheduled, not reserved. */
    public boolean isScheduled() {
        return message.hasEta();
    }
}
