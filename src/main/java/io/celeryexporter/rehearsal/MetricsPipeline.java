package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.MetricReading;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the controller sees of the queue, and how late: the exporter's poll (first-seen ages, so up to one poll
 * interval late, as without a publish-time header), Prometheus' scrape of the exporter's last poll, and the adapter's
 * (or KEDA's) instant query, which returns the last scraped sample. CPU comes from the workers' busy slots.
 */
public final class MetricsPipeline {

    public static final String LENGTH = "celery_queue_length";
    public static final String OLDEST_AGE = "celery_queue_oldest_task_age_seconds";
    public static final String AVERAGE_WAIT = "celery_queue_average_wait_seconds";

    private final PipelineSettings settings;
    private final double cpuRequest;
    private Map<String, Double> exported = Map.of();
    private Map<String, Double> scraped = Map.of();
    private double nextPoll;
    private double nextScrape;

    MetricsPipeline(PipelineSettings settings, double cpuRequest) {
        this.settings = settings;
        this.cpuRequest = cpuRequest;
    }

    /** Series this pipeline produces; a metric reading anything else cannot be rehearsed. */
    static boolean produces(String series) {
        return series != null && (series.equals(LENGTH) || series.equals(OLDEST_AGE) || series.equals(AVERAGE_WAIT)
                || series.equals("cpu"));
    }

    /** Advances to {@code now}: the exporter's poll and Prometheus' scrape, when due. */
    void advance(double now, ExporterView exporter) {
        if (now >= nextPoll) {
            exported = exporter.poll(now);
            nextPoll += settings.pollInterval();
        }
        if (now >= nextScrape) {
            scraped = exported;
            nextScrape += settings.scrapeInterval();
        }
    }

    /** The metrics APIs at this moment. */
    MetricSource source(WorkerPool workers) {
        return metric -> {
            if (metric.source() == MetricSpec.Source.RESOURCE) {
                if (!metric.series().equals("cpu")) {
                    return Optional.empty();
                }
                Map<String, MetricReading.PodValue> values = new HashMap<>();
                workers.cpuByPod().forEach((pod, usage) -> values.put(pod,
                        new MetricReading.PodValue(usage, cpuRequest)));
                return values.isEmpty() ? Optional.empty() : Optional.of(new MetricReading.PerPod(values));
            }
            Double value = scraped.get(metric.series());
            return value == null ? Optional.empty() : Optional.of(new MetricReading.Total(value));
        };
    }
}
