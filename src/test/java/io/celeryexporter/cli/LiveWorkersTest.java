package io.celeryexporter.cli;

import static io.celeryexporter.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.testing.QueueLengthHpa;
import io.celeryexporter.testing.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * {@code rehearse --live --worker-command}: real Celery workers (Debian's python3-celery) running
 * examples/worker/sleeper.py stand in for the pods, against the worker model's simulation of the same run; and what
 * goes wrong with a worker command gets one line, an exit code, and leaves nothing running.
 */
class LiveWorkersTest {

    /** Each test its own queue, whose name also marks its worker processes. */
    private final String queue = "evaluation-" + UUID.randomUUID().toString().substring(0, 8);

    private String celery() {
        return "/usr/bin/python3 -m celery --workdir examples/worker -A sleeper worker -Q " + queue
                + " -c 2 -E --without-mingle --without-gossip";
    }

    @TempDir
    Path dir;

    /** Queue length, 2 tasks a replica, 1 to 4 replicas, quick both ways: scale-downs come while workers hold tasks. */
    private Path smallHpa() throws Exception {
        return QueueLengthHpa.write(dir.resolve("small.yaml"), 1, 4, 2, true);
    }

    @Test
    void realWorkersWithDefaultPrefetchMatchTheModelWithinTheIssuesBounds() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            CliResult r = run("rehearse", "--live", "--compare", "--broker.url", redis.url() + "/0", "--queue",
                    queue, "--autoscaler", smallHpa().toString(), "--traffic", "batches", "--batch-size", "24",
                    "--period", "40s", "--duration", "40s", "--concurrency", "2", "--task-distribution", "fixed",
                    "--task-seconds", "2", "--pod-startup", "3s", "--poll-interval", "1s", "--scrape-interval", "1s",
                    "--sync-period", "5s", "--task", "sleeper.sleep", "--args", "[2]", "--worker-command", celery());
            assertEquals(0, r.code(), r.err());
            Matcher boot = Pattern.compile("the workers took ([0-9.]+) s on average from their start to their first"
                    + " heartbeat[^:]*: the simulation for --compare starts each of its pods that much later than"
                    + " --pod-startup, pod by pod as measured").matcher(r.err());
            assertTrue(boot.find(), r.err());
            double bootSeconds = Double.parseDouble(boot.group(1));
            assertTrue(bootSeconds >= 0.2 && bootSeconds < 60, "Python and Celery take a while to boot, and came"
                    + " online within --worker-ready-timeout: " + bootSeconds);
            JsonNode both = new ObjectMapper().readTree(r.out());
            assertEquals(bootSeconds, both.get("worker_boot_seconds").asDouble(), 0.05, both.toString());
            JsonNode started = both.get("started_worker_boot_seconds");
            assertTrue(started.size() >= 1, "it scaled up, so it started workers and timed their boots: " + both);
            for (JsonNode b : started) {
                assertTrue(b.isNull() || b.asDouble() >= 0.2 && b.asDouble() < 60, both.toString());
            }
            JsonNode live = both.get("live");
            JsonNode sim = both.get("simulated");
            assertEquals(24, live.get("arrived").asLong(), both.toString());
            assertEquals(24, live.get("completed").asLong(), "every task ran, by the workers' task-succeeded events");
            assertTrue(live.get("max_replicas").asInt() >= 2, "it scaled up: " + both);
            assertTrue(Math.abs(live.get("max_replicas").asInt() - sim.get("max_replicas").asInt()) <= 2,
                    "max replicas within 2: " + both);
            double livePeak = live.get("max_queue_length").asDouble();
            double simPeak = sim.get("max_queue_length").asDouble();
            assertTrue(Math.abs(livePeak - simPeak) <= 0.35 * Math.max(livePeak, simPeak),
                    "peak queue within 35 %: " + both);
            double liveWait = live.get("p95_wait_seconds").asDouble();
            double simWait = sim.get("p95_wait_seconds").asDouble();
            assertTrue(Math.abs(liveWait - simWait) <= Math.max(2, 0.35 * Math.max(liveWait, simWait)),
                    "p95 wait to start within 35 % or 2 s: " + both);
            assertEquals(0, live.get("tasks_lost").asLong(), both.toString());
            assertEquals(sim.get("tasks_lost").asLong(), live.get("tasks_lost").asLong(), both.toString());
            assertEquals(sim.get("tasks_redelivered").asLong(), live.get("tasks_redelivered").asLong(),
                    both.toString());
            JsonNode followed = both.get("simulated_on_live_decisions");
            assertEquals(live.get("scale_events").asInt(), followed.get("scale_events").asInt(),
                    "the simulation on the live run's decisions scales as it did: " + both);
            assertEquals(live.get("max_replicas").asInt(), followed.get("max_replicas").asInt(), both.toString());
            assertEquals(24, followed.get("completed").asLong(), both.toString());
            double followedPeak = followed.get("max_queue_length").asDouble();
            assertTrue(Math.abs(livePeak - followedPeak) <= 0.35 * Math.max(livePeak, followedPeak),
                    "on the same decisions, peak queue within 35 %: " + both);
            double followedWait = followed.get("p95_wait_seconds").asDouble();
            assertTrue(Math.abs(liveWait - followedWait) <= Math.max(2, 0.35 * Math.max(liveWait, followedWait)),
                    "on the same decisions, p95 wait to start within 35 % or 2 s: " + both);
            assertEquals(live.get("tasks_lost").asLong(), followed.get("tasks_lost").asLong(), both.toString());
            assertEquals(live.get("tasks_redelivered").asLong(), followed.get("tasks_redelivered").asLong(),
                    both.toString());
            try (RedisClient client = redis.client()) {
                assertEquals(0, client.llen(queue), "nothing left queued");
                assertEquals(0, client.hlen("unacked"), "nothing left unacknowledged");
            }
        }
        assertNoWorkerLeft(queue);
    }

    @Test
    void aWorkerCommandThatExitsAtOnceIsReportedWithItsLastLines() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            CliResult r = liveRun(redis, "/bin/sh -c 'echo no such app >&2; exit 3'", "sleeper.sleep", "5s");
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertTrue(r.err().contains("exited with code 3 before it came online; its last lines: no such app"),
                    r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("error:")).count(), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
            try (RedisClient client = redis.client()) {
                assertEquals(0, client.llen(queue), "the published tasks were removed");
            }
        }
    }

    @Test
    void aWorkerThatNeverComesOnlineIsKilledAndReported() throws Exception {
        String marker = "never-online-" + UUID.randomUUID();
        try (RedisServer redis = RedisServer.start()) {
            CliResult r = liveRun(redis, "/usr/bin/python3 -c 'import time; time.sleep(600)' " + marker,
                    "sleeper.sleep", "3s");
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertTrue(r.err().contains("did not come online within 3 s"), r.err());
        }
        assertNoWorkerLeft(marker);
    }

    @Test
    void aTaskNoWorkerKnowsIsReportedInsteadOfWaitedFor() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            CliResult r = liveRun(redis, celery(), "no.such.task", "60s");
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertTrue(r.err().contains("the workers do not know task 'no.such.task'"), r.err());
        }
        assertNoWorkerLeft(queue);
    }

    private CliResult liveRun(RedisServer redis, String command, String task, String readyTimeout) throws Exception {
        return run("rehearse", "--live", "--broker.url", redis.url() + "/0", "--queue", queue,
                "--autoscaler", smallHpa().toString(), "--traffic", "constant", "--rate", "2", "--duration", "60s",
                "--concurrency", "2", "--pod-startup", "0s", "--task", task, "--args", "[0.5]",
                "--worker-ready-timeout", readyTimeout, "--worker-command", command);
    }

    /** No process of this test's worker commands is running (the rehearsal killed them, children included). */
    static void assertNoWorkerLeft(String marker) {
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && !c.contains("surefire"))
                        .orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertEquals(List.of(), left, "worker processes left running");
    }
}
