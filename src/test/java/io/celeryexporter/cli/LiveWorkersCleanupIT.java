package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.QueueLengthHpa;
import io.celeryexporter.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * A live rehearsal with real workers (the packaged jar, as a user runs it) that is stopped from outside. SIGTERM: it
 * ends with the summary so far, and leaves no worker process, no queued task and no unacknowledged task of its own
 * behind. SIGKILL: it can clean nothing up itself, but its workers do not outlive it.
 */
class LiveWorkersCleanupIT {

    @TempDir
    Path dir;

    private final String queue = "cleanup-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void sigtermLeavesNoWorkerAndNoTaskBehind() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            Path err = dir.resolve("err.txt");
            Process rehearsal = startWithBusyWorkers(redis, client, err);
            try {
                rehearsal.destroy(); // SIGTERM, as Ctrl-C or a stopping CI job sends
                assertTrue(rehearsal.waitFor(60, TimeUnit.SECONDS), "the rehearsal ends: " + Files.readString(err));
                String output = Files.readString(err);
                assertTrue(output.contains("rehearsal of ") || output.contains("arrived"),
                        "the summary so far: " + output);
                assertEquals(0, client.llen(queue), "no queued task left: " + output);
                assertEquals(0, client.hlen("unacked"), "no unacknowledged task left: " + output);
                LiveWorkersTest.assertNoWorkerLeft(queue);
            } finally {
                ChildProcess.kill(rehearsal);
            }
        }
    }

    @Test
    void sigkillLeavesNoWorkerBehind() throws Exception {
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            Path err = dir.resolve("err.txt");
            Process rehearsal = startWithBusyWorkers(redis, client, err);
            try {
                rehearsal.destroyForcibly(); // SIGKILL, as the OOM killer sends: no shutdown hook runs
                assertTrue(rehearsal.waitFor(10, TimeUnit.SECONDS));
                // the watchdog looks once a second whether the rehearsal is still there
                Eventually.await(Duration.ofSeconds(15), "no worker process left",
                        () -> workersLeft().isEmpty());
                LiveWorkersTest.assertNoWorkerLeft(queue);
            } finally {
                ChildProcess.kill(rehearsal);
                workersLeft().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }

    private List<Long> workersLeft() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(queue) && !c.contains("surefire")
                        && !c.contains("failsafe")).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }

    /** A rehearsal whose two workers hold tasks (running and prefetched) while more wait in the queue. */
    private Process startWithBusyWorkers(RedisServer redis, RedisClient client, Path err) throws Exception {
        Path hpa = QueueLengthHpa.write(dir.resolve("hpa.yaml"), 2, 2, 2);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", "target/celery-queue-exporter.jar", "rehearse", "--live", "--broker.url",
                redis.url() + "/0", "--queue", queue, "--autoscaler", hpa.toString(), "--traffic", "constant",
                "--rate", "6", "--duration", "10m", "--concurrency", "2", "--pod-startup", "0s",
                "--task", "sleeper.sleep", "--args", "[5]", "--worker-command",
                "/usr/bin/python3 -m celery --workdir examples/worker -A sleeper worker -Q " + queue + " -c 2 -E"
                        + " --without-mingle --without-gossip"));
        Process rehearsal = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(err.toFile())
                .start();
        try {
            Eventually.await(Duration.ofSeconds(60), "workers holding tasks and a queue",
                    () -> client.hlen("unacked") >= 8 && client.llen(queue) > 0);
        } catch (AssertionError e) {
            ChildProcess.kill(rehearsal);
            throw e;
        }
        return rehearsal;
    }
}
