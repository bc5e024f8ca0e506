package io.celeryexporter.rehearsal;

import io.celeryexporter.autoscaling.MetricReading;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.workers.LoadSignals;
import io.celeryexporter.workers.QueueDemand;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the controller sees of the queue, and how late: the exporter's poll (first-seen ages, so up to one poll
 * interval late, as without a publish-time header), Prometheus' scrape of the exporter's last poll, and the adapter's
 * (or KEDA's) instant query, which returns the last scraped sample. CPU comes from the workers' busy slots.
 */
public final class MetricsPipeline {

    public static final String LENGTH = "celery_queue_length";
    public static final String OLDEST_AGE = "celery_queue_oldest_task_age_seconds";
    public static final String AVERAGE_WAIT = "celery_queue_average_wait_seconds";
    public static final String LOAD = "celery_queue_load";
    public static final String REQUIRED_REPLICAS = "celery_queue_required_replicas";
    public static final String BACKLOG = "celery_queue_backlog";
    /** The modelled workers' one group. */
    private static final Set<String> GROUP = Set.of("workers");

    private final PipelineSettings settings;
    private final double cpuRequest;
    private Map<String, Double> exported = Map.of();
    private Map<String, Double> scraped = Map.of();
    private final LoadSignals load;
    private double nextPoll;
    private double nextScrape;

    MetricsPipeline(PipelineSettings settings, double cpuRequest) {
        this.settings = settings;
        this.cpuRequest = cpuRequest;
        this.load = new LoadSignals(settings.drainSeconds(), settings.leadSeconds());
    }

    /** Series this pipeline produces; a metric reading anything else cannot be rehearsed. */
    static boolean produces(String series) {
        return series != null && (series.equals(LENGTH) || series.equals(OLDEST_AGE) || series.equals(AVERAGE_WAIT)
                || series.equals(LOAD) || series.equals(REQUIRED_REPLICAS) || series.equals(BACKLOG)
                || series.equals("cpu"));
    }

    /**
     * Advances to {@code now}: the exporter's poll and Prometheus' scrape, when due. The poll adds what the exporter
     * computes from the workers' heartbeats and {@code unacked}, unless the exporter already served it (the real
     * exporter reading real workers): the backlog (the queue and the live workers' prefetch buffers), and the load
     * signals ({@link LoadSignals}, the same code), from the online workers, absent with none online.
     */
    void advance(double now, ExporterView exporter, WorkerFigures workers, long arrived) {
        if (now >= nextPoll) {
            Map<String, Double> polled = new HashMap<>(exporter.poll(now));
            Double length = polled.get(LENGTH);
            if (length != null && !polled.containsKey(BACKLOG)) {
                polled.put(BACKLOG, length + workers.prefetched());
                int ready = workers.readyReplicas();
                LoadSignals.Values signals = load.add(now, ready == 0 ? null
                        : new QueueDemand(workers.executing(), workers.slots(), ready, workers.started(), GROUP),
                        Math.round(length) + workers.prefetched(), arrived);
                if (signals.load() != null) {
                    polled.put(LOAD, signals.load());
                }
                if (signals.requiredReplicas() != null) {
                    polled.put(REQUIRED_REPLICAS, signals.requiredReplicas());
                }
            }
            exported = polled;
            nextPoll += settings.pollInterval();
        }
        if (now >= nextScrape) {
            scraped = exported;
            nextScrape += settings.scrapeInterval();
        }
    }

    /**
     * The metrics APIs at this moment: Prometheus' last scrape; the exporter's last poll, for KEDA's external
     * scaler; and the queue as it is now, for an external-push trigger fed by keyspace notifications (a task's
     * arrival is pushed as it happens, in the exporter as in this model).
     */
    MetricSource source(Workers workers, int queuedNow, long backlogNow) {
        MetricSource prometheus = prometheus(workers);
        return new MetricSource() {
            @Override
            public Optional<MetricReading> read(MetricSpec metric) {
                return prometheus.read(metric);
            }

            @Override
            public Optional<MetricReading> read(MetricSpec metric, Path path) {
                return switch (path) {
                    case PROMETHEUS -> prometheus.read(metric);
                    case EXPORTER -> total(exported.get(metric.series()));
                    case LIVE -> LENGTH.equals(metric.series()) ? total((double) queuedNow)
                            : BACKLOG.equals(metric.series()) ? total((double) backlogNow)
                            : total(exported.get(metric.series()));
                };
            }
        };
    }

    private static Optional<MetricReading> total(Double value) {
        return value == null ? Optional.empty() : Optional.of(new MetricReading.Total(value));
    }

    private MetricSource prometheus(Workers workers) {
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
