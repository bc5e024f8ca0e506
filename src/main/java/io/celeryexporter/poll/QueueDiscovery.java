package io.celeryexporter.poll;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.Binding;
import io.celeryexporter.celery.KeyNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the routing table from the binding sets: {@code SCAN MATCH <prefix>_kombu.binding.*}, then SMEMBERS. */
final class QueueDiscovery {

    private QueueDiscovery() {}

    static RoutingTable read(RedisBroker broker, KeyNaming naming) {
        List<Binding> bindings = new ArrayList<>();
        for (byte[] key : broker.scanKeys(naming.bindingScanPattern())) {
            Optional<String> exchange = naming.exchangeOfBindingKey(key);
            if (exchange.isEmpty()) {
                continue;
            }
            for (byte[] member : broker.members(key)) {
                naming.parseBindingMember(exchange.get(), member).ifPresent(bindings::add);
            }
        }
        return new RoutingTable(bindings);
    }
}
