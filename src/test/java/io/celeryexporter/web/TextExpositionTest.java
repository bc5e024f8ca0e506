package io.celeryexporter.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.metrics.QueueCollector;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.ExporterState;
import io.celeryexporter.poll.PollLoop;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.tracking.PollClock;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Our text writer against client_java's own, byte for byte: on every kind of family and awkward value, and on what a
 * real exporter registry serves after polls of a real Redis.
 */
class TextExpositionTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final Map<TextExposition.Format, ExpositionFormatWriter> CLIENT_JAVA = Map.of(
            TextExposition.Format.PROMETHEUS_TEXT, PrometheusTextFormatWriter.create(),
            TextExposition.Format.OPENMETRICS, OpenMetricsTextFormatWriter.create());

    @Test
    void writesEveryKindOfFamilyAndValueAsClientJavaDoes() throws IOException {
        MetricSnapshots snapshots = MetricSnapshots.of(
                GaugeSnapshot.builder().name("plain_gauge").help("no labels").dataPoint(gauge(Labels.EMPTY, 20))
                        .build(),
                GaugeSnapshot.builder().name("awkward_values_seconds").help("back\\slash, \"quotes\"\nand a new line, é 日本 😀")
                        .unit(Unit.SECONDS)
                        .dataPoint(gauge(Labels.of("v", "zero"), 0.0))
                        .dataPoint(gauge(Labels.of("v", "negative zero"), -0.0))
                        .dataPoint(gauge(Labels.of("v", "just under ten million"), 9_999_999))
                        .dataPoint(gauge(Labels.of("v", "ten million"), 1e7))
                        .dataPoint(gauge(Labels.of("v", "negative"), -3))
                        .dataPoint(gauge(Labels.of("v", "tiny"), 1.5e-9))
                        .dataPoint(gauge(Labels.of("v", "epoch"), 1.796005054318E9))
                        .dataPoint(gauge(Labels.of("v", "third"), 1.0 / 3))
                        .dataPoint(gauge(Labels.of("v", "huge"), 1.7976931348623157E308))
                        .dataPoint(gauge(Labels.of("v", "nan"), Double.NaN))
                        .dataPoint(gauge(Labels.of("v", "inf"), Double.POSITIVE_INFINITY))
                        .dataPoint(gauge(Labels.of("v", "minus inf"), Double.NEGATIVE_INFINITY))
                        .build(),
                GaugeSnapshot.builder().name("awkward_labels")
                        .dataPoint(gauge(Labels.of("a", "quote\"back\\slash\nnewline", "b", ""), 1))
                        .dataPoint(gauge(Labels.of("a", "é 日本 😀 \u0000\t"), 2))
                        .dataPoint(gauge(Labels.of("a", "lone surrogates \uD800 and \uDC00"), 4))
                        .dataPoint(gauge(Labels.of("a", "weird \"name\"\n", "b", "x"), 3))
                        .build(),
                GaugeSnapshot.builder().name("no_data_points").help("skipped").build(),
                GaugeSnapshot.builder().name("build_info").help("A gauge named as an info.")
                        .dataPoint(gauge(Labels.of("version", "1"), 1)).build(),
                GaugeSnapshot.builder().name("odd_total").dataPoint(gauge(Labels.EMPTY, 1)).build(),
                CounterSnapshot.builder().name("things").help("Things seen.")
                        .dataPoint(counter(Labels.of("queue_name", "a"), 0))
                        .dataPoint(counter(Labels.of("queue_name", "b"), 12345678901.0))
                        .build(),
                CounterSnapshot.builder().name("elapsed_seconds").unit(Unit.SECONDS).dataPoint(counter(Labels.EMPTY,
                        0.25)).build(),
                HistogramSnapshot.builder().name("wait_seconds").help("Waits.").unit(Unit.SECONDS)
                        .dataPoint(histogram(Labels.of("queue_name", "a"), new double[] {0.01, 1, 2.5, 1e7,
                                Double.POSITIVE_INFINITY}, new long[] {1, 0, 3, 4, 5}, 1234.5))
                        .dataPoint(histogram(Labels.of("queue_name", "b"), new double[] {0.01, 1, 2.5, 1e7,
                                Double.POSITIVE_INFINITY}, new long[] {0, 0, 0, 0, 0}, 0))
                        .dataPoint(histogram(Labels.of("queue_name", "c"), new double[] {-1, 5,
                                Double.POSITIVE_INFINITY}, new long[] {2, 0, 1}, -0.5))
                        .build(),
                HistogramSnapshot.builder().name("unlabelled_seconds")
                        .dataPoint(histogram(Labels.EMPTY, new double[] {Double.POSITIVE_INFINITY}, new long[] {7}, 3))
                        .build(),
                SummarySnapshot.builder().name("gc_seconds").help("GC.")
                        .dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of("gc", "Copy")).count(139)
                                .sum(0.394).build())
                        .dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of("gc", "quantiles"))
                                .quantiles(Quantiles.of(new Quantile(0.5, 1.5), new Quantile(0.99, Double.NaN)))
                                .count(3).sum(4.5).build())
                        .dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of("gc", "empty")).build())
                        .build(),
                SummarySnapshot.builder().name("empty_summary").help("All its points are empty.")
                        .dataPoint(SummaryDataPointSnapshot.builder().labels(Labels.of("gc", "empty")).build())
                        .build(),
                InfoSnapshot.builder().name("runtime").help("Runtime.")
                        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
                                .labels(Labels.of("version", "17.0.15+6", "vendor", "Eclipse \"Adoptium\"")).build())
                        .build());
        assertWrittenAsClientJavaWrites(snapshots);
    }

    @Test
    void writesARealRegistryAsClientJavaDoes() throws Exception {
        try (RedisClient redis = REDIS.client(); RedisBroker broker = Brokers.connect(REDIS.url(),
                Duration.ofSeconds(2))) {
            CeleryRedis celery = new CeleryRedis(redis, "", PrioritySteps.ALL);
            celery.publish("evaluation", 0, 5);
            celery.publish("evaluation", 9, 2);
            celery.publish("weird \"name\"\n\\ é", 3, 1);
            celery.declare("idle");
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                    Duration.ofSeconds(1), Duration.ofSeconds(30), new ExporterConfig.TaskBreakdownConfig(true, 10,
                    10));
            ExporterState state = new ExporterState(PollClock.system(), Duration.ofSeconds(30));
            Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), state.counters(),
                    PollClock.system());
            try (PollLoop loop = new PollLoop(poller, state, Duration.ofMillis(50))) {
                loop.start();
                Eventually.await(Duration.ofSeconds(10), "seven queued", () -> evaluationLength(state) == 7);
                celery.publish("evaluation", 0, 2); // seen arriving, so their waits are known when taken
                Eventually.await(Duration.ofSeconds(10), "two more", () -> evaluationLength(state) == 9);
                assertEquals(7, redis.rpop("evaluation", 7).size());
                assertEquals(2, redis.rpop("evaluation\u0006\u00169", 2).size()); // priority 9's list
                Eventually.await(Duration.ofSeconds(10), "all taken", () -> evaluationLength(state) == 0);
            }
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new QueueCollector(state, "test", ExporterConfig.Collectors.DEFAULT));
            JvmMetrics.builder().register(registry);
            MetricSnapshots snapshots = registry.scrape();

            String text = assertWrittenAsClientJavaWrites(snapshots);
            assertTrue(text.contains("celery_queue_dequeued_total{queue_name=\"evaluation\"} 9.0\n"), text);
            assertTrue(text.contains("celery_queue_wait_seconds_count{queue_name=\"evaluation\"} 2\n"), text);
            assertTrue(text.contains("celery_queue_length{queue_name=\"weird \\\"name\\\"\\n\\\\ é\"} 1.0\n"), text);
            assertTrue(text.contains("jvm_gc_collection_seconds_count{gc="), "a summary: " + text);
            assertTrue(text.contains("jvm_runtime_info{"), "an info: " + text);
        }
    }

    @Test
    void leavesToClientJavaWhatItDoesNotWrite() {
        MetricSnapshots ours = MetricSnapshots.of(GaugeSnapshot.builder().name("g").dataPoint(gauge(Labels.EMPTY, 1))
                .build());
        assertTrue(TextExposition.canWrite(ours, EscapingScheme.UNDERSCORE_ESCAPING));
        assertTrue(TextExposition.canWrite(ours, EscapingScheme.ALLOW_UTF8));
        assertFalse(TextExposition.canWrite(ours, EscapingScheme.DOTS_ESCAPING), "escapes underscores too");
        assertFalse(TextExposition.canWrite(ours, EscapingScheme.VALUE_ENCODING_ESCAPING));

        Map<String, MetricSnapshot> theirs = Map.of(
                "a dotted name", GaugeSnapshot.builder().name("queue.length").dataPoint(gauge(Labels.EMPTY, 1))
                        .build(),
                "a dotted label name", GaugeSnapshot.builder().name("g")
                        .dataPoint(gauge(Labels.of("queue.name", "a"), 1)).build(),
                "an exemplar", CounterSnapshot.builder().name("c").dataPoint(CounterDataPointSnapshot.builder()
                        .value(1).exemplar(Exemplar.builder().value(1).traceId("abc").build()).build()).build(),
                "a scrape timestamp", GaugeSnapshot.builder().name("g").dataPoint(GaugeDataPointSnapshot.builder()
                        .value(1).scrapeTimestampMillis(1_700_000_000_000L).build()).build(),
                "a gauge histogram", HistogramSnapshot.builder().name("h").gaugeHistogram(true)
                        .dataPoint(histogram(Labels.EMPTY, new double[] {Double.POSITIVE_INFINITY}, new long[] {1}, 1))
                        .build(),
                "a native histogram", HistogramSnapshot.builder().name("h").dataPoint(HistogramDataPointSnapshot
                        .builder().nativeSchema(3).nativeZeroCount(1).sum(0).build()).build(),
                "a state set", StateSetSnapshot.builder().name("s").dataPoint(StateSetSnapshot
                        .StateSetDataPointSnapshot.builder().state("on", true).build()).build(),
                "an unknown", UnknownSnapshot.builder().name("u").dataPoint(UnknownSnapshot
                        .UnknownDataPointSnapshot.builder().value(1).build()).build());
        theirs.forEach((what, snapshot) -> assertFalse(TextExposition.canWrite(MetricSnapshots.of(snapshot),
                EscapingScheme.UNDERSCORE_ESCAPING), what));
    }

    /** Writes the snapshots in both formats and both identity escapings; returns the Prometheus text. */
    private static String assertWrittenAsClientJavaWrites(MetricSnapshots snapshots) throws IOException {
        String prometheusText = null;
        for (EscapingScheme escaping : List.of(EscapingScheme.UNDERSCORE_ESCAPING, EscapingScheme.ALLOW_UTF8)) {
            assertTrue(TextExposition.canWrite(snapshots, escaping), escaping.toString());
            for (TextExposition.Format format : TextExposition.Format.values()) {
                ByteArrayOutputStream theirs = new ByteArrayOutputStream();
                CLIENT_JAVA.get(format).write(theirs, snapshots, escaping);
                ByteArrayOutputStream ours = new ByteArrayOutputStream();
                TextExposition.write(ours, snapshots, format);
                assertEquals(theirs.toString(StandardCharsets.UTF_8), ours.toString(StandardCharsets.UTF_8),
                        format + " with " + escaping);
                assertArrayEquals(theirs.toByteArray(), ours.toByteArray(), format + " with " + escaping);
                if (format == TextExposition.Format.PROMETHEUS_TEXT) {
                    prometheusText = ours.toString(StandardCharsets.UTF_8);
                }
            }
        }
        return prometheusText;
    }

    private static long evaluationLength(ExporterState state) {
        return state.latest().flatMap(r -> r.queues().stream().filter(q -> q.name().equals("evaluation")).findFirst())
                .map(QueueStats::length).orElse(-1L);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static HistogramDataPointSnapshot histogram(Labels labels, double[] bounds, long[] counts, double sum) {
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts)).sum(sum).build();
    }
}
