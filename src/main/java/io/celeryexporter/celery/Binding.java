package io.celeryexporter.celery;

/** One routing-table entry of kombu's virtual exchanges: messages sent to (exchange, routing key) go to queue. */
public record Binding(String exchange, String routingKey, String pattern, String queue) {

    /** Celery's remote-control and event exchanges are fanout pub/sub, never task queues. */
    public boolean isControlOrEvent() {
        return isControlOrEvent(exchange) || isControlOrEvent(queue);
    }

    private static boolean isControlOrEvent(String name) {
        return name.endsWith(".pidbox") || name.startsWith("celeryev");
    }
}
