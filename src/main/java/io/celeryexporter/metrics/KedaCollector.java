package io.celeryexporter.metrics;

import static io.celeryexporter.metrics.QueueCollector.counter;
import static io.celeryexporter.metrics.QueueCollector.gauge;
import static io.celeryexporter.metrics.QueueCollector.point;

import io.celeryexporter.keda.KedaStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The KEDA port ({@code --keda.listen-address}): what KEDA asked, and what the push streams said. */
public final class KedaCollector implements MultiCollector {

    private final KedaStats stats;

    public KedaCollector(KedaStats stats) {
        this.stats = stats;
    }

    @Override
    public MetricSnapshots collect() {
        List<CounterDataPointSnapshot> calls = new ArrayList<>();
        for (Map.Entry<KedaStats.Call, Long> e : stats.calls().entrySet()) {
            calls.add(CounterDataPointSnapshot.builder().labels(Labels.of("method", e.getKey().method(), "code",
                    e.getKey().code())).value(e.getValue()).build());
        }
        List<CounterDataPointSnapshot> said = new ArrayList<>();
        for (String active : List.of("false", "true")) {
            said.add(CounterDataPointSnapshot.builder().labels(Labels.of("active", active))
                    .value(stats.said(active)).build());
        }
        return MetricSnapshots.of(
                counter("celery_exporter_keda_calls", "Calls of KEDA's external scaler API that ended, by method and"
                        + " gRPC status code (INVALID_ARGUMENT: a trigger's metadata; UNAVAILABLE: no fresh poll).",
                        calls),
                gauge("celery_exporter_keda_streams", "StreamIsActive calls open now: one per external-push"
                        + " trigger per KEDA operator.", null, List.of(point(Labels.EMPTY, stats.openStreams()))),
                counter("celery_exporter_keda_stream_answers", "Answers said on StreamIsActive streams: active=\"true\""
                        + " wakes a workload at zero.", said));
    }
}
