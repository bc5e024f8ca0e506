package io.celeryexporter.exporter;

import io.celeryexporter.broker.BrokerSnapshot;
import io.celeryexporter.broker.ListProbe;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One poll: refresh the routing table when due, read every queue's lists and the unacked count in one atomic
 * snapshot, then tally the unacked hash. Not thread-safe: one poller thread owns it.
 */
public final class Poller {

    private final RedisBroker broker;
    private final ExporterConfig config;
    private final Clock clock;
    private final UnackedTally unacked;

    private RoutingTable routing = RoutingTable.EMPTY;
    private long nextDiscoveryMillis = Long.MIN_VALUE;

    public Poller(RedisBroker broker, ExporterConfig config, MessageDecoder decoder, UndecodableCounter undecodable,
                  Clock clock) {
        this.broker = broker;
        this.config = config;
        this.clock = clock;
        this.unacked = new UnackedTally(decoder, undecodable);
    }

    /** Reads the broker once. Throws {@link io.celeryexporter.broker.BrokerException} when the broker fails. */
    public PollResult poll() {
        long startNanos = System.nanoTime();
        refreshRoutingIfDue();
        List<String> queues = config.queues().isEmpty() ? routing.queues() : config.queues();
        List<Integer> steps = config.steps().steps();

        List<ListProbe> probes = new ArrayList<>(queues.size() * steps.size());
        for (String queue : queues) {
            for (int step : steps) {
                probes.add(ListProbe.lengthOnly(config.naming().listKey(queue, step)));
            }
        }
        byte[] unackedKey = config.naming().unackedKey();
        BrokerSnapshot snapshot = broker.snapshot(probes, List.of(unackedKey));
        double takenAt = clock.millis() / 1000.0;
        Map<String, UnackedTally.Counts> held = unacked.read(broker, unackedKey, snapshot.hashLengths().get(0), routing);

        List<QueueStats> stats = new ArrayList<>(queues.size());
        int i = 0;
        for (String queue : queues) {
            Map<Integer, Long> byStep = new TreeMap<>();
            for (int step : steps) {
                byStep.put(step, snapshot.lists().get(i++).length());
            }
            UnackedTally.Counts counts = held.getOrDefault(queue, new UnackedTally.Counts(0, 0));
            stats.add(new QueueStats(queue, new TreeMap<>(byStep), counts.reserved(), counts.scheduled()));
        }
        return new PollResult(stats, takenAt, (System.nanoTime() - startNanos) / 1e9);
    }

    private void refreshRoutingIfDue() {
        long now = clock.millis();
        if (now >= nextDiscoveryMillis) {
            routing = QueueDiscovery.read(broker, config.naming());
            nextDiscoveryMillis = now + config.discoveryInterval().toMillis();
        }
    }
}
