package io.celeryexporter.exporter;

import io.celeryexporter.broker.BrokerSnapshot;
import io.celeryexporter.broker.ListProbe;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import java.time.Clock;
import io.celeryexporter.tracking.ListTracker;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.tracking.WaitHistogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One poll: refresh the routing table when due, read every queue's lists (length, arrivals, both ends) and the
 * unacked count in one atomic snapshot, update the wait trackers, then tally the unacked hash. Not thread-safe: one
 * poller thread owns it and the state it carries between polls.
 */
public final class Poller {

    private final RedisBroker broker;
    private final ExporterConfig config;
    private final Clock clock;
    private final UnackedTally unacked;
    private final MessageDecoder decoder;
    private final UndecodableCounter undecodable;
    /** Per queue, per priority step: the state carried from poll to poll. */
    private final Map<String, Map<Integer, ListWatcher>> watchers = new HashMap<>();

    private RoutingTable routing = RoutingTable.EMPTY;
    private long nextDiscoveryMillis = Long.MIN_VALUE;

    public Poller(RedisBroker broker, ExporterConfig config, MessageDecoder decoder, UndecodableCounter undecodable,
                  Clock clock) {
        this.broker = broker;
        this.config = config;
        this.clock = clock;
        this.unacked = new UnackedTally(decoder, undecodable);
        this.decoder = decoder;
        this.undecodable = undecodable;
    }

    /** Reads the broker once. Throws {@link io.celeryexporter.broker.BrokerException} when the broker fails. */
    public PollResult poll() {
        long startNanos = System.nanoTime();
        refreshRoutingIfDue();
        List<String> queues = config.queues().isEmpty() ? routing.queues() : config.queues();
        List<Integer> steps = config.steps().steps();

        watchers.keySet().retainAll(queues);
        List<ListWatcher> order = new ArrayList<>(queues.size() * steps.size());
        for (String queue : queues) {
            Map<Integer, ListWatcher> byStep = watchers.computeIfAbsent(queue, q -> new TreeMap<>());
            for (int step : steps) {
                order.add(byStep.computeIfAbsent(step,
                        s -> new ListWatcher(config.naming().listKey(queue, s), queue)));
            }
        }
        List<ListProbe> probes = order.stream().map(ListWatcher::probe).toList();
        byte[] unackedKey = config.naming().unackedKey();
        BrokerSnapshot snapshot = broker.snapshot(probes, List.of(unackedKey));
        double takenAt = clock.millis() / 1000.0;
        Map<String, UnackedTally.Counts> held = unacked.read(broker, unackedKey, snapshot.hashLengths().get(0), routing);

        List<QueueStats> stats = new ArrayList<>(queues.size());
        int i = 0;
        for (String queue : queues) {
            TreeMap<Integer, Long> lengthByStep = new TreeMap<>();
            List<ListTracker.View> views = new ArrayList<>(steps.size());
            WaitHistogram.Snapshot waits = WaitHistogram.Snapshot.EMPTY;
            for (int step : steps) {
                ListWatcher watcher = order.get(i);
                ListTracker.View view = watcher.observe(snapshot.lists().get(i), broker, decoder, undecodable,
                        takenAt);
                i++;
                lengthByStep.put(step, view.length());
                views.add(view);
                waits = waits.plus(watcher.tracker().waits());
            }
            UnackedTally.Counts counts = held.getOrDefault(queue, new UnackedTally.Counts(0, 0));
            stats.add(new QueueStats(queue, lengthByStep, counts.reserved(), counts.scheduled(),
                    QueueWait.combine(views, waits)));
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
