package io.celeryexporter.cli;

import static io.celeryexporter.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.PrometheusServer;
import io.celeryexporter.testing.QueueLengthHpa;
import io.celeryexporter.testing.RedisServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * {@code rehearse --live --compare} on a real Redis: a burst published as real Celery messages, consumed by the
 * modelled pods, measured by the exporter's own poller, against the simulation of the same traffic and seed. The
 * HPA has short windows so that the whole run, up, down and settled, takes about 90 s.
 */
class LiveRehearsalTest {

    @TempDir
    Path dir;



    private Path fastHpa() throws Exception {
        return QueueLengthHpa.write(dir.resolve("fast.yaml"), 1, 10, 4, true);
    }

    /** Through a real Prometheus that scrapes the exporter the rehearsal serves, every second. */
    @Test
    void aLiveBurstMatchesItsSimulationWithinTheIssuesBounds() throws Exception {
        int exporterPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            exporterPort = s.getLocalPort();
        }
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client();
             PrometheusServer prometheus = new PrometheusServer(
                     Map.of("celery-queue-exporter", List.of("127.0.0.1:" + exporterPort)), List.of())) {
            Path chart = dir.resolve("burst.svg");
            long start = System.nanoTime();
            CliResult r = run("rehearse", "--live", "--compare", "--broker.url", redis.url() + "/0", "--queue", "live",
                    "--prometheus", prometheus.url(), "--exporter.listen-address", "127.0.0.1:" + exporterPort,
                    "--autoscaler", fastHpa().toString(), "--traffic", "burst", "--rate", "8", "--duration", "90s",
                    "--concurrency", "2", "--task-seconds", "0.5", "--pod-startup", "5s", "--poll-interval", "1s",
                    "--scrape-interval", "1s", "--sync-period", "5s", "--chart", chart.toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, r.code(), r.err());
            assertTrue(seconds >= 90, "a live rehearsal of at least 90 s: " + seconds);
            JsonNode both = new ObjectMapper().readTree(r.out());
            JsonNode live = both.get("live");
            JsonNode simulated = both.get("simulated");
            assertTrue(live.get("arrived").asLong() > 300, "traffic ran: " + live);
            assertEquals(simulated.get("arrived").asLong(), live.get("arrived").asLong(), "the same traffic and seed");
            assertEquals(live.get("arrived").asLong(), live.get("completed").asLong(), "every task done live");
            assertTrue(Math.abs(live.get("max_replicas").asInt() - simulated.get("max_replicas").asInt()) <= 2,
                    "max replicas within 2: " + both);
            double livePeak = live.get("max_queue_length").asDouble();
            assertTrue(Math.abs(simulated.get("max_queue_length").asDouble() - livePeak) <= 0.35 * livePeak,
                    "peak queue within 35 %: " + both);
            assertTrue(r.err().contains("live t=5s: "), "a progress line: " + r.err());
            assertTrue(r.err().contains("serving the exporter on "), r.err());
            assertTrue(prometheus.query("celery_queue_enqueued_total{queue_name=\"live\"}").size() == 1,
                    "Prometheus scraped the rehearsal's exporter");
            assertEquals(0, client.llen("live"), "nothing left behind");
            assertTrue(Files.readString(chart).startsWith("<svg"));
            assertTrue(Files.readString(dir.resolve("burst-simulated.svg")).startsWith("<svg"));
        }
    }

    /** Without Prometheus: the exporter's poller read directly, a short constant load. */
    @Test
    void aShortLiveRunReadsTheExporterDirectly() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            CliResult r = run("rehearse", "--live", "--broker.url", redis.url() + "/0", "--queue", "direct",
                    "--autoscaler", fastHpa().toString(), "--traffic", "constant", "--rate", "6", "--duration", "15s",
                    "--concurrency", "2", "--task-seconds", "0.5", "--pod-startup", "5s", "--poll-interval", "1s",
                    "--scrape-interval", "1s", "--sync-period", "5s", "-o", "json");
            assertEquals(0, r.code(), r.err());
            JsonNode live = new ObjectMapper().readTree(r.out());
            assertTrue(live.get("arrived").asLong() > 50, live.toString());
            assertEquals(live.get("arrived").asLong(), live.get("completed").asLong());
            assertEquals(0, client.llen("direct"));
        }
    }

    @Test
    void aQueueThatHoldsTasksIsRefusedInOneLine() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            new CeleryRedis(client).publish("busy", 0, 3);
            CliResult r = run("rehearse", "--live", "--broker.url", redis.url() + "/0", "--queue", "busy",
                    "--autoscaler", fastHpa().toString(), "--traffic", "constant", "--duration", "5s");
            assertEquals(ExitCodes.USAGE, r.code(), r.err());
            assertTrue(r.err().startsWith("error: queue 'busy' holds 3 tasks"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals(3, client.llen("busy"), "and nothing was touched");
        }
    }
}
