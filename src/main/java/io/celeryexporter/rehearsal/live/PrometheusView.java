package io.celeryexporter.rehearsal.live;

import io.celeryexporter.rehearsal.ExporterView;
import io.celeryexporter.rehearsal.MetricsPipeline;
import io.celeryexporter.rehearsal.PrometheusSamples;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue's series as a real Prometheus that scrapes the exporter returns them, through the query
 * prometheus-adapter renders from the shipped rule ({@code max by (queue_name) (SERIES{queue_name="Q"})}): what the
 * HPA's external metrics API would hand the controller.
 */
final class PrometheusView implements ExporterView {

    private static final List<String> SERIES = List.of(MetricsPipeline.LENGTH, MetricsPipeline.OLDEST_AGE,
            MetricsPipeline.AVERAGE_WAIT);

    private final PrometheusSamples prometheus;
    private final String selector;

    PrometheusView(PrometheusSamples prometheus, String queue) {
        this.prometheus = prometheus;
        this.selector = PrometheusSamples.queueMatcher(queue);
    }

    /** Series Prometheus has no sample of are left out: the controller sees them as unavailable, as the HPA would. */
    @Override
    public Map<String, Double> poll(double now) {
        Map<String, Double> out = new HashMap<>();
        double at = System.currentTimeMillis() / 1000.0;
        for (String series : SERIES) {
            double value = prometheus.instant("max by (queue_name) (" + series + selector + ")", at);
            if (!Double.isNaN(value)) {
                out.put(series, value);
            }
        }
        return out;
    }
}
