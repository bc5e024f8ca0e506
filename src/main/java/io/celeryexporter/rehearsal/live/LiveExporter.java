package io.celeryexporter.rehearsal.live;

import io.celeryexporter.poll.Poller;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.rehearsal.ExporterView;
import io.celeryexporter.rehearsal.MetricsPipeline;
import java.util.Map;

/** The real exporter's poller reading the real queue, as the rehearsal's metrics source. */
final class LiveExporter implements ExporterView {

    private final Poller poller;
    private final String queue;

    LiveExporter(Poller poller, String queue) {
        this.poller = poller;
        this.queue = queue;
    }

    @Override
    public Map<String, Double> poll(double now) {
        QueueStats q = poller.poll().queue(queue).orElseThrow(() -> new IllegalStateException("the exporter did not read queue " + queue));
        return Map.of(MetricsPipeline.LENGTH, (double) q.length(),
                MetricsPipeline.OLDEST_AGE, q.waiting().oldestAge(),
                MetricsPipeline.AVERAGE_WAIT, q.waiting().averageWait());
    }
}
