package io.celeryexporter.metrics;

import static io.celeryexporter.metrics.QueueCollector.QUEUE;
import static io.celeryexporter.metrics.QueueCollector.counter;
import static io.celeryexporter.metrics.QueueCollector.gauge;
import static io.celeryexporter.metrics.QueueCollector.point;

import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.workers.GroupStats;
import io.celeryexporter.workers.HeldSplit;
import io.celeryexporter.workers.WorkersView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The worker side ({@code --collector.workers}): workers per group from their heartbeats, and per queue what the
 * workers hold, split by state, with the backlog an autoscaler should read. Every name and help text of these
 * families is here. Reads memory only.
 */
public final class WorkerCollector implements MultiCollector {

    static final String GROUP = "worker_group";
    static final String STATE = "state";

    private final ExporterState state;

    public WorkerCollector(ExporterState state) {
        this.state = state;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        Optional<PollResult> fresh = state.fresh();
        fresh.ifPresent(result -> {
            addGroupFamilies(out, result.workers());
            addHeldFamilies(out, result.queues());
        });
        out.metricSnapshot(gauge("celery_exporter_worker_events_subscribed",
                "1 while the exporter receives Celery's worker events (the celeryev fanout); 0 while the"
                        + " subscription is down or refused (the ACL lacks the celeryev channels), when every"
                        + " worker figure is stale.", null,
                List.of(point(Labels.EMPTY, fresh.map(r -> r.workers().listening()).orElse(false) ? 1 : 0))));
        out.metricSnapshot(counter("celery_exporter_malformed_events",
                "Messages on Celery's celeryev fanout that could not be read, and were skipped.",
                List.of(CounterDataPointSnapshot.builder().value(state.counters().malformedEvents().sum())
                        .build())));
        return out.build();
    }

    private static void addGroupFamilies(MetricSnapshots.Builder out, WorkersView workers) {
        List<GaugeDataPointSnapshot> online = new ArrayList<>();
        List<GaugeDataPointSnapshot> executing = new ArrayList<>();
        List<GaugeDataPointSnapshot> slots = new ArrayList<>();
        List<CounterDataPointSnapshot> started = new ArrayList<>();
        List<CounterDataPointSnapshot> departed = new ArrayList<>();
        for (GroupStats g : workers.groups()) {
            Labels group = Labels.of(GROUP, g.name());
            online.add(point(group, g.online()));
            executing.add(point(group, g.executing()));
            if (g.slotsKnown()) {
                slots.add(point(group, g.slots()));
            }
            started.add(CounterDataPointSnapshot.builder().labels(group).value(g.started()).build());
            departed.add(CounterDataPointSnapshot.builder().labels(Labels.of(GROUP, g.name(), "reason", "offline"))
                    .value(g.wentOffline()).build());
            departed.add(CounterDataPointSnapshot.builder()
                    .labels(Labels.of(GROUP, g.name(), "reason", "heartbeat_missed")).value(g.heartbeatsMissed())
                    .build());
        }
        out.metricSnapshot(gauge("celery_workers_online",
                "Workers online in the group: heard from within 2 x their heartbeat interval, and not offline.",
                null, online));
        out.metricSnapshot(gauge("celery_workers_executing_tasks",
                "Tasks the group's online workers are executing, from their last heartbeats (active).", null,
                executing));
        out.metricSnapshot(gauge("celery_workers_slots",
                "Tasks the group's online workers can execute at once (pool sizes together), where every one of"
                        + " them advertises it (x_worker_info) or --worker.concurrency sets it; absent otherwise.",
                null, slots));
        out.metricSnapshot(counter("celery_workers_tasks_started",
                "Tasks the group's workers started since the exporter saw them, from their heartbeats (processed),"
                        + " workers gone included.", started));
        out.metricSnapshot(counter("celery_workers_departures",
                "Workers of the group that left: reason=\"offline\" (they said worker-offline: a warm shutdown),"
                        + " \"heartbeat_missed\" (they stopped sending heartbeats without a word: killed, out of"
                        + " memory, a lost node).", departed));
    }

    private static void addHeldFamilies(MetricSnapshots.Builder out, List<QueueStats> queues) {
        List<GaugeDataPointSnapshot> held = new ArrayList<>();
        List<GaugeDataPointSnapshot> oldest = new ArrayList<>();
        List<GaugeDataPointSnapshot> overdue = new ArrayList<>();
        List<GaugeDataPointSnapshot> tier = new ArrayList<>();
        List<GaugeDataPointSnapshot> backlog = new ArrayList<>();
        List<GaugeDataPointSnapshot> load = new ArrayList<>();
        List<GaugeDataPointSnapshot> required = new ArrayList<>();
        for (QueueStats q : queues) {
            HeldSplit s = q.held();
            if (s == null) {
                continue;
            }
            tier.add(point(Labels.of(QUEUE, q.name(), "tier", s.tier().label()), 1));
            backlog.add(point(Labels.of(QUEUE, q.name()), q.backlog()));
            if (q.load().load() != null) {
                load.add(point(Labels.of(QUEUE, q.name()), q.load().load()));
            }
            if (q.load().requiredReplicas() != null) {
                required.add(point(Labels.of(QUEUE, q.name()), q.load().requiredReplicas()));
            }
            if (!q.heldInUse()) {
                continue; // nothing ever held: 7 series of zeros per idle queue are not worth it at 10,000 queues
            }
            for (HeldSplit.State state : HeldSplit.State.values()) {
                Labels labels = Labels.of(QUEUE, q.name(), STATE, state.label());
                held.add(point(labels, s.count(state)));
                oldest.add(point(labels, s.oldestAge(state)));
            }
            overdue.add(point(Labels.of(QUEUE, q.name()), s.overdue()));
        }
        out.metricSnapshot(gauge("celery_queue_backlog",
                "Tasks waiting to start: in the queue, or in a live worker's prefetch buffer (ETA and orphaned tasks"
                        + " aside). What an autoscaler should read. Exact where celery_queue_held_attribution_info"
                        + " says tier exact or certain; else an upper bound.", null, backlog));
        out.metricSnapshot(gauge("celery_queue_load",
                "(Tasks executing + celery_queue_backlog) / slots of the online workers that consume the queue,"
                        + " averaged over the last minute: under 1 they keep up, past 1 work waits. Absent while it"
                        + " cannot be computed (no online consumer, or an online worker whose queues or slots are"
                        + " unknown), so an autoscaler holds.", null, load));
        out.metricSnapshot(gauge("celery_queue_required_replicas",
                "Workers the queue needs at 100 % busy, from Little's law: mean task time (mean executing / start"
                        + " rate over 5 minutes) x (arrival rate, read --load.lead-time ahead on its trend over 2"
                        + " minutes, or the start rate over 30 s where more, + backlog / --load.drain-time) / slots"
                        + " per worker. What an HPA should scale on (AverageValue: its target is the busy share to"
                        + " keep). Absent where celery_queue_load is, in the first 10 s of a window, and while tasks"
                        + " wait but none starts.", null,
                required));
        out.metricSnapshot(gauge("celery_queue_held_tasks",
                "Reserved tasks (unacked, ETA aside) by state, for the queues workers have held a task of since the"
                        + " exporter started: prefetched (received by a live worker, not started),"
                        + " running (started, with acks late), orphaned (held by no live worker: kombu restores them"
                        + " only after the visibility timeout). Orphaned is a lower bound in the capacity and"
                        + " start_times tiers.", null, held));
        out.metricSnapshot(gauge("celery_queue_held_oldest_age_seconds",
                "Seconds since a worker received the oldest reserved task in each state (its unacked_index"
                        + " score); 0 when none.", Unit.SECONDS, oldest));
        out.metricSnapshot(gauge("celery_queue_held_overdue_tasks",
                "Unacked tasks, ETA ones included, held longer than the visibility timeout"
                        + " (--broker.visibility-timeout): the next restore sweep of a live worker puts them back in"
                        + " the queue, and one still running will run twice.", null, overdue));
        out.metricSnapshot(gauge("celery_queue_held_attribution_info",
                "How the reserved tasks were attributed to workers: tier=\"exact\" (task events from workers run"
                        + " with -E), \"certain\" (no live worker consumes the queue: all orphaned), \"capacity\""
                        + " (orphaned is a lower bound from the workers' slots x prefetch and start times),"
                        + " \"start_times\" (slots unknown: only tasks received before every live worker started"
                        + " count as orphaned). Always 1.", null, tier));
    }
}
