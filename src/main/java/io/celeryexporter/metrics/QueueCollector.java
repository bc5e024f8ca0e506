package io.celeryexporter.metrics;

import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.FlowStatus;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.poll.UndecodableCounter;
import io.celeryexporter.tracking.ListTracker;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.tracking.WaitBuckets;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns the latest {@link PollResult} and the exporter's health into Prometheus metric families. Every metric name
 * and help text the exporter serves is here. It reads memory only; a scrape never reaches Redis.
 */
public final class QueueCollector implements MultiCollector {

    static final String QUEUE = "queue_name";
    static final String PRIORITY = "priority";

    private final ExporterState state;
    private final String version;
    private final ExporterConfig.Collectors collectors;

    public QueueCollector(ExporterState state, String version, ExporterConfig.Collectors collectors) {
        this.state = state;
        this.version = version;
        this.collectors = collectors;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        Optional<PollResult> fresh = state.fresh();
        fresh.ifPresent(result -> addQueueFamilies(out, result));
        addHealthFamilies(out, fresh.map(PollResult::queues).orElse(List.of()));
        return out.build();
    }

    private void addQueueFamilies(MetricSnapshots.Builder out, PollResult result) {
        List<GaugeDataPointSnapshot> length = new ArrayList<>();
        List<GaugeDataPointSnapshot> byPriority = new ArrayList<>();
        List<GaugeDataPointSnapshot> reserved = new ArrayList<>();
        List<GaugeDataPointSnapshot> scheduled = new ArrayList<>();
        for (QueueStats q : result.queues()) {
            Labels queue = Labels.of(QUEUE, q.name());
            length.add(point(queue, q.length()));
            q.lengthByPriority().forEach((step, n) -> {
                if (q.stepsInUse().contains(step)) {
                    byPriority.add(point(Labels.of(PRIORITY, String.valueOf(step), QUEUE, q.name()), n));
                }
            });
            reserved.add(point(queue, q.reserved()));
            scheduled.add(point(queue, q.scheduled()));
        }
        out.metricSnapshot(gauge("celery_queue_length",
                "Tasks waiting in the queue, all priority sub-lists together.", null, length));
        if (collectors.byPriority()) {
            out.metricSnapshot(gauge("celery_queue_length_by_priority",
                    "Tasks waiting in one priority sub-list; priority is the kombu priority step of the list. Only"
                            + " the steps a queue has used since the exporter started, and its first.", null,
                    byPriority));
        }
        out.metricSnapshot(gauge("celery_queue_reserved_tasks",
                "Tasks workers took and have not acknowledged (prefetched; running ones too with acks late), ETA tasks"
                        + " excluded. celery_queue_held_tasks splits them by state.", null, reserved));
        out.metricSnapshot(gauge("celery_queue_scheduled_tasks",
                "ETA/countdown tasks held by workers until they are due.", null, scheduled));
        addWaitFamilies(out, result);
    }

    private void addWaitFamilies(MetricSnapshots.Builder out, PollResult result) {
        List<GaugeDataPointSnapshot> oldest = new ArrayList<>();
        List<GaugeDataPointSnapshot> average = new ArrayList<>();
        List<GaugeDataPointSnapshot> lowerBound = new ArrayList<>();
        List<GaugeDataPointSnapshot> exact = new ArrayList<>();
        List<CounterDataPointSnapshot> enqueued = new ArrayList<>();
        List<CounterDataPointSnapshot> dequeued = new ArrayList<>();
        List<CounterDataPointSnapshot> restored = new ArrayList<>();
        List<HistogramDataPointSnapshot> waits = new ArrayList<>();
        for (QueueStats q : result.queues()) {
            Labels queue = Labels.of(QUEUE, q.name());
            QueueWait w = q.waiting();
            oldest.add(point(queue, w.oldestAge()));
            average.add(point(queue, w.averageWait()));
            lowerBound.add(point(queue, w.ageIsLowerBound() ? 1 : 0));
            exact.add(point(queue, w.countsExact() ? 1 : 0));
            enqueued.add(CounterDataPointSnapshot.builder().labels(queue).value(w.enqueued()).build());
            dequeued.add(CounterDataPointSnapshot.builder().labels(queue).value(w.dequeued()).build());
            restored.add(CounterDataPointSnapshot.builder().labels(queue).value(w.restored()).build());
            waits.add(HistogramDataPointSnapshot.builder().labels(queue)
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(HISTOGRAM_BOUNDS, w.waits().counts()))
                    .sum(w.waits().sum()).build());
        }
        out.metricSnapshot(gauge("celery_queue_oldest_task_age_seconds",
                "How long the oldest queued task has waited (the longest among the heads of the priority sub-lists);"
                        + " 0 when the queue is empty.", Unit.SECONDS, oldest));
        out.metricSnapshot(gauge("celery_queue_average_wait_seconds",
                "Mean time the tasks now queued have waited so far; 0 when the queue is empty.", Unit.SECONDS,
                average));
        out.metricSnapshot(gauge("celery_queue_age_lower_bound",
                "1 while the oldest age is only a lower bound: the task was queued before the exporter started and"
                        + " carries no time of its own.", null, lowerBound));
        out.metricSnapshot(gauge("celery_queue_counts_exact",
                "1 while enqueued, dequeued and the wait histogram count every task (from Redis keyspace"
                        + " notifications); 0 while they are lower bounds (from snapshots: tasks that come and go"
                        + " between two polls are missed).", null, exact));
        out.metricSnapshot(counter("celery_queue_enqueued",
                "Tasks the exporter saw arrive in the queue; a lower bound where celery_queue_counts_exact is 0.",
                enqueued));
        out.metricSnapshot(counter("celery_queue_dequeued",
                "Tasks the exporter saw leave the queue (taken by workers); a lower bound where"
                        + " celery_queue_counts_exact is 0. A task kombu restores and a worker takes again counts"
                        + " twice; celery_queue_restored_total counts the restores.", dequeued));
        out.metricSnapshot(counter("celery_queue_restored",
                "Tasks kombu put back at the consuming end (unacked tasks restored after a worker's connection"
                        + " closed or the visibility timeout passed).", restored));
        List<GaugeDataPointSnapshot> tasks = new ArrayList<>();
        for (QueueStats q : result.queues()) {
            q.tasksByName().forEach((task, n) -> tasks.add(point(Labels.of(QUEUE, q.name(), "task_name", task), n)));
        }
        if (!tasks.isEmpty()) {
            out.metricSnapshot(gauge("celery_queue_tasks",
                    "Queued tasks per task name (headers.task), with --task-breakdown; names past the cap count as"
                            + " \"other\", unreadable ones as \"unknown\".", null, tasks));
        }
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name("celery_queue_wait_seconds")
                .help("Time the tasks workers took had spent in the queue.").unit(Unit.SECONDS);
        waits.forEach(histogram::dataPoint);
        if (collectors.waitHistogram()) {
            out.metricSnapshot(histogram.build());
        }
    }

    /** The wait buckets' upper bounds and +Inf, as the classic histogram wants them. */
    private static final double[] HISTOGRAM_BOUNDS = withInfinity(WaitBuckets.bounds());

    private static double[] withInfinity(double[] finite) {
        double[] bounds = Arrays.copyOf(finite, finite.length + 1);
        bounds[finite.length] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    private void addHealthFamilies(MetricSnapshots.Builder out, List<QueueStats> queues) {
        out.metricSnapshot(gauge("celery_exporter_broker_up",
                "1 if the last poll of the broker succeeded, 0 if it failed.", null,
                List.of(point(Labels.EMPTY, state.brokerUp() ? 1 : 0))));
        double lastPoll = state.lastPollSeconds();
        if (!Double.isNaN(lastPoll)) {
            out.metricSnapshot(gauge("celery_exporter_poll_duration_seconds",
                    "How long the last poll of the broker took.", Unit.SECONDS,
                    List.of(point(Labels.EMPTY, lastPoll))));
        }
        out.metricSnapshot(counter("celery_exporter_poll_errors", "Polls of the broker that failed.",
                List.of(CounterDataPointSnapshot.builder().value(state.pollErrors()).build())));
        out.metricSnapshot(gauge("celery_exporter_last_successful_poll_timestamp_seconds",
                "Unix time of the last successful poll; 0 before the first one.", Unit.SECONDS,
                List.of(point(Labels.EMPTY, state.lastSuccessEpochSeconds()))));
        List<CounterDataPointSnapshot> undecodable = new ArrayList<>();
        Map<String, Long> undecodableTotals = new TreeMap<>(state.counters().undecodable().totals());
        queues.forEach(q -> undecodableTotals.putIfAbsent(q.name(), 0L)); // start at 0 so rate() works
        for (Map.Entry<String, Long> e : undecodableTotals.entrySet()) {
            undecodable.add(CounterDataPointSnapshot.builder()
                    .labels(Labels.of(QUEUE, e.getKey())).value(e.getValue()).build());
        }
        out.metricSnapshot(counter("celery_exporter_undecodable_messages",
                "Stored messages that could not be decoded and were skipped; queue_name is \""
                        + UndecodableCounter.UNKNOWN + "\" when it cannot be told.", undecodable));
        state.latest().ifPresent(result -> out.metricSnapshot(gauge("celery_exporter_arrival_search_info",
                "How the exporter finds arrivals: method=\"lpos\" with LPOS (Redis 6.0.6+), \"lrange\" by reading the"
                        + " newest elements where the broker has no LPOS; the value is always 1.", null,
                List.of(point(Labels.of("method", result.arrivalSearch().name().toLowerCase(Locale.ROOT)), 1)))));
        out.metricSnapshot(counter("celery_exporter_clock_skew_events",
                "Queued tasks whose publish time contradicted what the exporter saw of their arrival by more than "
                        + ListTracker.SKEW_TOLERANCE_SECONDS + " s (a producer's or this exporter's wall clock is off"
                        + " or stepped); their age was clamped to what was seen.",
                List.of(CounterDataPointSnapshot.builder().value(state.counters().clockSkew().total()).build())));
        FlowStatus flows = state.counters().flows();
        out.metricSnapshot(gauge("celery_exporter_flow_source_info",
                "Where arrivals, departures and waits come from: source=\"keyspace-events\" (Redis keyspace"
                        + " notifications), \"celery-events\" (Celery task events) or \"snapshots\" (lower bounds);"
                        + " the value is always 1.", null,
                List.of(point(Labels.of("source", flows.source().label()), 1))));
        out.metricSnapshot(counter("celery_exporter_keyspace_events",
                "List events (pushes and pops of the watched lists) received as keyspace notifications.",
                List.of(CounterDataPointSnapshot.builder().value(flows.eventsReceived()).build())));
        out.metricSnapshot(counter("celery_exporter_task_event_messages",
                "Messages received on Celery's celeryev fanout (task events; a worker's message may hold several).",
                List.of(CounterDataPointSnapshot.builder().value(flows.taskEventMessagesReceived()).build())));
        out.metricSnapshot(counter("celery_exporter_event_gaps",
                "Times the events may have missed some: reason=\"subscription_lost\" (a subscription dropped and"
                        + " was made again), \"mismatch\" (a list's polled length disagreed with its keyspace events"
                        + " and was reconciled with it).",
                List.of(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "subscription_lost"))
                                .value(flows.subscriptionsLost()).build(),
                        CounterDataPointSnapshot.builder().labels(Labels.of("reason", "mismatch"))
                                .value(flows.mismatches()).build())));
        out.metricSnapshot(gauge("celery_exporter_build_info", "Version of the exporter; the value is always 1.",
                null, List.of(point(Labels.of("version", version), 1))));
    }

    static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    static GaugeSnapshot gauge(String name, String help, Unit unit, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        points.forEach(b::dataPoint);
        return b.build();
    }

    static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }
}
