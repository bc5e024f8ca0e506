package io.celeryexporter.rehearsal.live;

import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.rehearsal.ExporterView;
import io.celeryexporter.rehearsal.MetricsPipeline;
import java.util.HashMap;
import java.util.Map;

/**
 * The real exporter's poller reading the real queue, as the rehearsal's metrics source. With real workers it also
 * serves what it computes of them (backlog and load signals); with modelled pods the rehearsal computes those.
 */
final class LiveExporter implements ExporterView {

    private final Poller poller;
    private final String queue;
    private final boolean workerSeries;
    private volatile PollResult last;

    LiveExporter(Poller poller, String queue, boolean workerSeries) {
        this.poller = poller;
        this.queue = queue;
        this.workerSeries = workerSeries;
    }

    @Override
    public Map<String, Double> poll(double now) {
        last = poller.poll();
        QueueStats q = last.queue(queue)
                .orElseThrow(() -> new IllegalStateException("the exporter did not read queue " + queue));
        Map<String, Double> out = new HashMap<>(Map.of(MetricsPipeline.LENGTH, (double) q.length(),
                MetricsPipeline.OLDEST_AGE, q.waiting().oldestAge(),
                MetricsPipeline.AVERAGE_WAIT, q.waiting().averageWait()));
        if (workerSeries && q.backlog() != null) {
            out.put(MetricsPipeline.BACKLOG, (double) q.backlog());
            if (q.load().load() != null) {
                out.put(MetricsPipeline.LOAD, q.load().load());
            }
            if (q.load().requiredReplicas() != null) {
                out.put(MetricsPipeline.REQUIRED_REPLICAS, q.load().requiredReplicas());
            }
        }
        return out;
    }

    /** The last poll, for the real workers' figures; null before the first. */
    PollResult last() {
        return last;
    }
}
