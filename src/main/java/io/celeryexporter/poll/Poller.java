package io.celeryexporter.poll;

import io.celeryexporter.broker.BrokerSnapshot;
import io.celeryexporter.broker.ListProbe;
import io.celeryexporter.broker.ListReading;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.tracking.ListTracker;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.PollTime;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.tracking.TaskNameRuns;
import io.celeryexporter.tracking.TaskNames;
import io.celeryexporter.tracking.WaitHistogram;
import io.celeryexporter.workers.LoadSignals;
import io.celeryexporter.workers.QueueWorkers;
import io.celeryexporter.workers.WorkersView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One poll: refresh the routing table when due, read every queue's lists (length, arrivals, both ends) and the
 * unacked count in one atomic snapshot, update the wait trackers, then tally the unacked hash and split it by the
 * workers that hold it (from their events). Not thread-safe: one poller thread owns it and the state it carries
 * between polls.
 */
public final class Poller implements PollSource, AutoCloseable {

    private final RedisBroker broker;
    private final ExporterConfig config;
    private final PollClock clock;
    private final UnackedTally unacked;
    private final MessageDecoder decoder;
    private final PollCounters counters;
    /** Per queue, in the order of the configured steps: the state carried from poll to poll. */
    private final Map<String, ListWatcher[]> watchers = new HashMap<>();
    private final TaskNames taskNames;
    private final KeyspaceEvents events;
    private final TaskEvents taskEvents;
    /** Null with the worker side off, and until the broker has answered a first poll. */
    private WorkerEvents workerEvents;
    private List<String> watchedQueues = List.of();
    /** The queue of each watched list's event key, for the subscription's thread. */
    private volatile Map<String, String> queueOfEventKey = Map.of();
    private volatile ArrivalListener arrivals = ArrivalListener.NONE;
    private final QueueWorkers queueWorkers;
    private final QueueRetention retention;

    private RoutingTable routing = RoutingTable.EMPTY;
    private double nextDiscovery = Double.NEGATIVE_INFINITY;

    public Poller(RedisBroker broker, ExporterConfig config, MessageDecoder decoder, PollCounters counters,
                  PollClock clock) {
        this.broker = broker;
        this.config = config;
        this.clock = clock;
        this.unacked = new UnackedTally(decoder, counters.undecodable());
        this.decoder = decoder;
        this.counters = counters;
        this.taskNames = new TaskNames(config.breakdown().maxNames());
        this.events = new KeyspaceEvents(broker, config.flows(), config.naming().keyPattern(), clock,
                counters.flows());
        this.taskEvents = new TaskEvents(broker, config.naming(), clock, counters);
        this.queueWorkers = new QueueWorkers(config.workers());
        this.retention = new QueueRetention(config.keepVanishedFor());
        this.events.onPush(key -> {
            String queue = queueOfEventKey.get(key);
            if (queue != null) {
                arrivals.arrived(queue);
            }
        });
    }

    /**
     * Tells {@code listener} of each task pushed onto a queue as the broker announces it (with keyspace
     * notifications on), before the next poll reads it.
     */
    public void onArrival(ArrivalListener listener) {
        arrivals = listener;
    }

    /** One queue as read, before the unacked tally adds its reserved and scheduled counts. */
    private record QueueReading(String name, TreeMap<Integer, Long> lengthByStep, Set<Integer> stepsInUse,
                                QueueWait waiting, Map<String, Long> tasksByName) {
        long length() {
            return lengthByStep.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Reads the broker once, a few queues at a time: each group is one transaction (every queue read atomically, no
     * transaction long enough to stall other clients) and is tracked before the next is read, so what a poll holds in
     * memory does not grow with the number of queues. Throws {@link io.celeryexporter.broker.BrokerException} when
     * the broker fails.
     */
    @Override
    public PollResult poll() {
        long startNanos = System.nanoTime();
        refreshRoutingIfDue();
        List<String> queues = config.queues().isEmpty()
                ? retention.queues(routing.queues().stream().filter(config.filter()::accepts).toList(),
                        clock.now().monotonicSeconds())
                : config.queues();
        List<Integer> steps = config.steps().steps();
        Set<String> current = new HashSet<>(queues); // retainAll asks contains() of every kept key: not of a list
        watchers.keySet().retainAll(current);
        queueWorkers.retain(current);
        boolean useEvents = events.startPoll();
        taskEvents.listen(config.flows() == ExporterConfig.Flows.CELERY_EVENTS
                || config.flows() == ExporterConfig.Flows.AUTO && !useEvents);
        counters.flows().taskEvents(taskEvents.subscription().orElse(null));
        taskEvents.take();
        taskEvents.retain(current);
        if (events.listening() && !queues.equals(watchedQueues)) {
            // before the events are trusted too: where CONFIG GET is refused, the first event kept is what trusts them
            Map<String, String> keys = eventKeys(queues, steps);
            queueOfEventKey = keys;
            events.watch(keys.keySet());
            watchedQueues = List.copyOf(queues);
        }
        boolean lpos = broker.hasLpos();
        byte[] unackedKey = config.naming().unackedKey();
        int queuesPerRead = Math.max(1, RedisBroker.LISTS_PER_TRANSACTION / steps.size());
        TaskBreakdown.Budget budget = new TaskBreakdown.Budget(config.breakdown().pagesPerPoll());
        List<QueueReading> read = new ArrayList<>(queues.size());
        long unackedLength = 0;
        PollTime takenAt = null;
        int from = 0;
        do {
            List<String> group = queues.subList(from, Math.min(queues.size(), from + queuesPerRead));
            List<ListWatcher> order = watchersOf(group, steps);
            List<ListProbe> probes = order.stream().map(w -> w.probe(lpos)).toList();
            if (useEvents) {
                events.beforeSnapshot(order.stream().map(ListWatcher::eventKey).toList());
            }
            BrokerSnapshot snapshot = broker.snapshot(probes, from == 0 ? List.of(unackedKey) : List.of(),
                    steps.size());
            if (from == 0) {
                unackedLength = snapshot.hashLengths().get(0);
            }
            List<ListReading> readings = withRereads(order, snapshot.lists());
            if (useEvents) {
                events.afterSnapshot();
            }
            takenAt = clock.now();
            int i = 0;
            for (String queue : group) {
                TreeMap<Integer, Long> lengthByStep = new TreeMap<>();
                Set<Integer> stepsInUse = new TreeSet<>(List.of(steps.get(0)));
                boolean exact = useEvents;
                List<ListTracker.View> views = new ArrayList<>(steps.size());
                WaitHistogram.Snapshot waits = WaitHistogram.Snapshot.EMPTY;
                for (int step : steps) {
                    ListWatcher watcher = order.get(i);
                    ListTracker.View view = watcher.observe(readings.get(i), broker, decoder, counters, takenAt,
                            budget, useEvents ? events.take(watcher.eventKey()) : null);
                    exact &= watcher.countsExact();
                    i++;
                    lengthByStep.put(step, view.length());
                    if (watcher.everHeldTasks()) {
                        stepsInUse.add(step);
                    }
                    views.add(view);
                    waits = waits.plus(watcher.tracker().waits());
                }
                QueueWait waiting = QueueWait.combine(views, waits, exact);
                if (taskEvents.listening()) {
                    waiting = taskEvents.combine(queue, waiting);
                }
                read.add(new QueueReading(queue, lengthByStep, stepsInUse, waiting,
                        taskCounts(Arrays.asList(watchers.get(queue)))));
            }
            from += group.size();
        } while (from < queues.size());
        counters.flows().source(useEvents ? FlowStatus.Source.KEYSPACE_EVENTS
                : taskEvents.flowing() ? FlowStatus.Source.CELERY_EVENTS : FlowStatus.Source.SNAPSHOTS);
        boolean workerSide = config.workers().enabled();
        if (workerSide && workerEvents == null) {
            // subscribed once the broker has answered, so a broker that is down is one clear error, not two
            workerEvents = new WorkerEvents(broker, config.naming(), config.workers(), clock,
                    counters.malformedEvents());
        }
        Map<String, UnackedTally.Held> held = unacked.read(broker, config.naming(), unackedLength, routing,
                workerSide);
        WorkersView workers = workerSide ? workerEvents.take() : WorkersView.NONE;
        PollTime now = clock.now();
        List<QueueStats> stats = new ArrayList<>(read.size());
        for (QueueReading q : read) {
            UnackedTally.Held h = held.getOrDefault(q.name(), UnackedTally.Held.NONE);
            QueueWorkers.Figures figures = !workerSide ? new QueueWorkers.Figures(null, false, LoadSignals.Values.NONE)
                    : queueWorkers.of(q.name(), h.entries(), q.length(), q.waiting().enqueued(), workers,
                            workerEvents.holders(), now);
            stats.add(new QueueStats(q.name(), q.lengthByStep(), q.stepsInUse(), h.reserved(), h.scheduled(),
                    q.waiting(), q.tasksByName(), figures.held(), figures.heldInUse(), figures.load()));
        }
        return new PollResult(stats, takenAt, (System.nanoTime() - startNanos) / 1e9,
                lpos ? PollResult.ArrivalSearch.LPOS : PollResult.ArrivalSearch.LRANGE, workers);
    }

    /** The event key of each of these queues' lists, with its queue. */
    private Map<String, String> eventKeys(List<String> queues, List<Integer> steps) {
        Map<String, String> keys = new HashMap<>(queues.size() * steps.size() * 2);
        for (String queue : queues) {
            for (int step : steps) {
                keys.put(ListWatcher.eventKey(config.naming().listKey(queue, step)), queue);
            }
        }
        return Map.copyOf(keys);
    }

    /** The watchers of these queues' lists, queue by queue and step by step. */
    private List<ListWatcher> watchersOf(List<String> queues, List<Integer> steps) {
        List<ListWatcher> order = new ArrayList<>(queues.size() * steps.size());
        for (String queue : queues) {
            ListWatcher[] byStep = watchers.computeIfAbsent(queue, q -> new ListWatcher[steps.size()]);
            for (int i = 0; i < byStep.length; i++) {
                if (byStep[i] == null) {
                    byStep[i] = newWatcher(config.naming().listKey(queue, steps.get(i)), queue);
                }
                order.add(byStep[i]);
            }
        }
        return order;
    }

    /**
     * Lists whose cheap probe found a change it cannot count (an empty list that filled, an unchanged one that
     * changed) are read again, in full, in one more transaction of the same poll. Each list is read atomically, but
     * such a list is then read a moment after its queue's other lists: harmless, since a task never moves between
     * lists, so every list's figures are still exact at its own moment.
     */
    private List<ListReading> withRereads(List<ListWatcher> order, List<ListReading> readings) {
        List<Integer> reread = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).needsReread(readings.get(i))) {
                reread.add(i);
            }
        }
        if (reread.isEmpty()) {
            return readings;
        }
        List<ListReading> merged = new ArrayList<>(readings);
        List<ListReading> again = broker.snapshot(reread.stream().map(i -> order.get(i).reread()).toList(), List.of())
                .lists();
        for (int j = 0; j < reread.size(); j++) {
            merged.set(reread.get(j), again.get(j));
        }
        return merged;
    }

    /** Without LPOS the breakdown cannot anchor its reads, so it is off (the broker logs that once). */
    private ListWatcher newWatcher(byte[] key, String queue) {
        TaskBreakdown breakdown = config.breakdown().enabled() && broker.hasLpos()
                ? new TaskBreakdown(key, taskNames, decoder) : null;
        return new ListWatcher(key, queue, breakdown);
    }

    /** Tasks per name over a queue's lists; empty unless every list's counts are complete. */
    private Map<String, Long> taskCounts(Iterable<ListWatcher> lists) {
        if (!config.breakdown().enabled()) {
            return Map.of();
        }
        Map<String, Long> counts = new TreeMap<>();
        for (ListWatcher watcher : lists) {
            Optional<TaskBreakdown> breakdown = watcher.breakdown();
            if (breakdown.isEmpty()) {
                return Map.of();
            }
            TaskNameRuns runs = breakdown.get().runs();
            for (int id = 0; id < runs.nameIdBound() && id < taskNames.size(); id++) {
                counts.merge(taskNames.nameOf(id), runs.count(id), Long::sum);
            }
        }
        counts.values().removeIf(n -> n == 0);
        return counts;
    }

    private void refreshRoutingIfDue() {
        double now = clock.now().monotonicSeconds();
        if (now >= nextDiscovery) {
            events.refresh();
            routing = QueueDiscovery.read(broker, config.naming());
            nextDiscovery = now + config.discoveryInterval().toMillis() / 1000.0;
        }
    }

    /** Stops listening to keyspace notifications. */
    @Override
    public void close() {
        events.close();
        taskEvents.close();
        if (workerEvents != null) {
            workerEvents.close();
        }
        counters.flows().taskEvents(null);
    }
}
