package io.celeryexporter.exporter;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
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

    public QueueCollector(ExporterState state, String version) {
        this.state = state;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        Optional<PollResult> fresh = state.fresh();
        fresh.ifPresent(result -> addQueueFamilies(out, result));
        addHealthFamilies(out, fresh.map(PollResult::queues).orElse(List.of()));
        return out.build();
    }

    private static void addQueueFamilies(MetricSnapshots.Builder out, PollResult result) {
        List<GaugeDataPointSnapshot> length = new ArrayList<>();
        List<GaugeDataPointSnapshot> byPriority = new ArrayList<>();
        List<GaugeDataPointSnapshot> reserved = new ArrayList<>();
        List<GaugeDataPointSnapshot> scheduled = new ArrayList<>();
        for (QueueStats q : result.queues()) {
            Labels queue = Labels.of(QUEUE, q.name());
            length.add(point(queue, q.length()));
            q.lengthByPriority().forEach((step, n) ->
                    byPriority.add(point(Labels.of(PRIORITY, String.valueOf(step), QUEUE, q.name()), n)));
            reserved.add(point(queue, q.reserved()));
            scheduled.add(point(queue, q.scheduled()));
        }
        out.metricSnapshot(gauge("celery_queue_length",
                "Tasks waiting in the queue, all priority sub-lists together.", null, length));
        out.metricSnapshot(gauge("celery_queue_length_by_priority",
                "Tasks waiting in one priority sub-list; priority is the kombu priority step of the list.", null,
                byPriority));
        out.metricSnapshot(gauge("celery_queue_reserved_tasks",
                "Tasks taken by workers (unacked) but not started, ETA tasks excluded.", null, reserved));
        out.metricSnapshot(gauge("celery_queue_scheduled_tasks",
                "ETA/countdown tasks held by workers until they are due.", null, scheduled));
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
        Map<String, Long> undecodableTotals = new TreeMap<>(state.undecodable().totals());
        queues.forEach(q -> undecodableTotals.putIfAbsent(q.name(), 0L)); // start at 0 so rate() works
        for (Map.Entry<String, Long> e : undecodableTotals.entrySet()) {
            undecodable.add(CounterDataPointSnapshot.builder()
                    .labels(Labels.of(QUEUE, e.getKey())).value(e.getValue()).build());
        }
        out.metricSnapshot(counter("celery_exporter_undecodable_messages",
                "Stored messages that could not be decoded and were skipped; queue_name is \""
                        + UndecodableCounter.UNKNOWN + "\" when it cannot be told.", undecodable));
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
