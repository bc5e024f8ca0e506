package io.celeryexporter.poll;

import io.celeryexporter.celery.Binding;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** The task queues found in the {@code _kombu.binding.*} sets, and how (exchange, routing key) maps to them. */
public record RoutingTable(List<Binding> bindings) {

    public static final RoutingTable EMPTY = new RoutingTable(List.of());

    public RoutingTable {
        bindings = List.copyOf(bindings);
    }

    /** Every bound task queue, sorted; remote-control and event queues excluded. */
    public List<String> queues() {
        TreeSet<String> names = new TreeSet<>();
        for (Binding b : bindings) {
            if (!b.isControlOrEvent()) {
                names.add(b.queue());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The queue a message sent to (exchange, routing key) went to. Celery publishes through the anonymous exchange
     * {@code ""}, where the routing key is the queue; for a named exchange the binding table decides.
     */
    public Optional<String> queueFor(String exchange, String routingKey) {
        if (exchange == null || exchange.isEmpty()) {
            return Optional.ofNullable(routingKey);
        }
        for (Binding b : bindings) {
            if (b.exchange().equals(exchange) && (b.routingKey().equals(routingKey) || b.routingKey().isEmpty())) {
                return Optional.of(b.queue());
            }
        }
        return Optional.ofNullable(routingKey);
    }
}
