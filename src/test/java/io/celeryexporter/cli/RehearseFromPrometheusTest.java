package io.celeryexporter.cli;

import static io.celeryexporter.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.testing.PrometheusServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rehearse --traffic-from-prometheus}: last hour's arrivals replayed from a real Prometheus whose TSDB was
 * backfilled with promtool, with an exporter restart (a counter reset), five minutes of missed scrapes, a second
 * exporter replica and another queue, against the arrival total the test wrote.
 */
class RehearseFromPrometheusTest {

    private static final int INTERVAL = 15;
    private static final int SAMPLES = 241; // one hour at a 15 s scrape interval
    private static final int PER_INTERVAL = 30; // 2 tasks/s
    /** Five hours ago: older than the head block a running Prometheus mutates, so backfilling is safe. */
    private static final long T0 = System.currentTimeMillis() / 1000 / 60 * 60 - 5 * 3600;

    private static PrometheusServer prometheus;

    @BeforeAll
    static void backfill() throws Exception {
        StringBuilder om = new StringBuilder("# TYPE celery_queue_enqueued counter\n");
        for (int i = 0; i < SAMPLES; i++) {
            if (i >= 180 && i < 200) {
                continue; // five minutes of missed scrapes: the counter kept counting
            }
            // the exporter restarts just after sample 119: it counts from 0 again
            long value = i < 120 ? 1000 + (long) PER_INTERVAL * i : (long) PER_INTERVAL * (i - 119);
            sample(om, "a", "evaluation", i, value);
        }
        for (int i = 0; i < 100; i++) { // a second exporter replica, for the first 25 minutes: the same arrivals
            sample(om, "b", "evaluation", i, 500 + (long) PER_INTERVAL * i);
        }
        for (int i = 0; i < SAMPLES; i++) {
            sample(om, "a", "other", i, 100_000L * i);
        }
        // the workers: 3 replicas of 4 slots, saturated by a backlog of 100 for the first 15 minutes, taking 30
        // tasks per 15 s: each task took 3 x 4 x 15 / 30 = 6 s
        om.append("# TYPE celery_queue_dequeued counter\n");
        for (int i = 0; i < SAMPLES; i++) {
            om.append("celery_queue_dequeued_total{instance=\"a\",queue_name=\"evaluation\"} ")
                    .append((long) PER_INTERVAL * i).append(' ').append(T0 + (long) INTERVAL * i).append('\n');
        }
        om.append("# TYPE celery_queue_length gauge\n");
        for (int i = 0; i < SAMPLES; i++) {
            om.append("celery_queue_length{instance=\"a\",queue_name=\"evaluation\"} ").append(i < 60 ? 100 : 0)
                    .append(' ').append(T0 + (long) INTERVAL * i).append('\n');
        }
        om.append("# TYPE kube_deployment_status_replicas gauge\n");
        for (int i = 0; i < SAMPLES; i++) {
            om.append("kube_deployment_status_replicas{namespace=\"crucible\",deployment=\"dispatcher\"} 3 ")
                    .append(T0 + (long) INTERVAL * i).append('\n');
        }
        om.append("# TYPE celery_queue_counts_exact gauge\n");
        for (int i = 0; i < SAMPLES; i++) {
            om.append("celery_queue_counts_exact{instance=\"a\",queue_name=\"evaluation\"} 1 ")
                    .append(T0 + (long) INTERVAL * i).append('\n');
        }
        om.append("# EOF\n");
        prometheus = PrometheusServer.backfilled(om.toString());
    }

    private static void sample(StringBuilder om, String instance, String queue, int i, long value) {
        om.append("celery_queue_enqueued_total{instance=\"").append(instance).append("\",queue_name=\"")
                .append(queue).append("\"} ").append(value).append(' ').append(T0 + (long) INTERVAL * i).append('\n');
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }



    @Test
    void replaysEveryRecordedArrivalThroughTheAutoscaler() throws Exception {
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                prometheus.url(), "--queue", "evaluation", "--start", String.valueOf(T0),
                "--end", String.valueOf(T0 + (long) INTERVAL * (SAMPLES - 1)), "-o", "json");
        assertEquals(0, r.code(), r.err());
        long written = (long) PER_INTERVAL * (SAMPLES - 1);
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertEquals(written, summary.get("arrived").asLong(), "every arrival the counter recorded: " + r.err());
        assertEquals(written, summary.get("completed").asLong());
        assertTrue(summary.get("max_replicas").asInt() >= 1);
        assertEquals("recorded traffic: " + written + " arrivals in 3600 s at a 15 s resolution, from 2 series;"
                + " 1 counter reset(s), 1 gap(s)", r.err().strip());
    }

    @Test
    void theServiceTimeComesFromTheRecordedDrainRateAndReplicas() throws Exception {
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                prometheus.url(), "--queue", "evaluation", "--deployment", "dispatcher", "--namespace", "crucible",
                "--concurrency", "4", "--start", String.valueOf(T0),
                "--end", String.valueOf(T0 + (long) INTERVAL * (SAMPLES - 1)), "-o", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("service time 6.00 s, from the recorded drain rate and replicas (median of 60"
                + " intervals with every slot busy)"), r.err());
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertEquals(7200 * 6.0 / 4 / 3600, summary.get("ideal_replica_hours").asDouble(), 1e-6,
                "the simulation ran with 6 s tasks");
    }

    @Test
    void aRangeWithNoDataIsOneLineAndExit2() {
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                prometheus.url(), "--queue", "evaluation", "--start", String.valueOf(T0 - 86_400),
                "--end", String.valueOf(T0 - 82_800));
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().startsWith("error: Prometheus at " + prometheus.url()
                + " has no celery_queue_enqueued_total{queue_name=\"evaluation\"} between"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void anUnreachablePrometheusIsOneLineAndExit3() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CliResult r = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                "http://127.0.0.1:" + closed, "--queue", "evaluation", "--range", "1h");
        assertEquals(ExitCodes.UNREACHABLE, r.code(), r.err());
        assertTrue(r.err().startsWith("error: cannot reach Prometheus at http://127.0.0.1:" + closed), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void badInputIsRefusedBeforeAnyQuery() {
        CliResult noQueue = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                prometheus.url());
        assertEquals(ExitCodes.USAGE, noQueue.code());
        assertEquals("error: --traffic-from-prometheus needs --queue NAME", noQueue.err().strip());
        CliResult badUrl = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                "prometheus:9090", "--queue", "evaluation");
        assertEquals(ExitCodes.USAGE, badUrl.code());
        assertTrue(badUrl.err().contains("is not an http:// or https:// URL"), badUrl.err());
        CliResult badTime = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic-from-prometheus",
                prometheus.url(), "--queue", "evaluation", "--start", "yesterday", "--end", "today");
        assertEquals("error: --end 'today' is neither RFC 3339 (2026-11-29T10:00:00Z) nor Unix seconds",
                badTime.err().strip());
        CliResult both = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic", "guide",
                "--traffic-from-prometheus", prometheus.url());
        assertTrue(both.err().contains("give one of --replay"), both.err());
        CliResult liveSweep = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic", "guide", "--live",
                "--queue", "q", "--sweep", "celery_queue_length=5,10");
        assertEquals("error: --sweep does not go with --live: each value would be a live run",
                liveSweep.err().strip());
        CliResult compareAlone = run("rehearse", "--autoscaler", "hpa/queue-length.yaml", "--traffic", "guide",
                "--compare");
        assertEquals("error: --compare goes with --live", compareAlone.err().strip());
    }
}
