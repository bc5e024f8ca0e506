package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
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
 * SIGTERM to a live rehearsal with real workers (the packaged jar, as a user runs it): it ends with the summary so
 * far, and leaves no worker process, no queued task and no unacknowledged task of its own behind.
 */
class LiveWorkersCleanupIT {

    @TempDir
    Path dir;

    @Test
    void sigtermLeavesNoWorkerAndNoTaskBehind() throws Exception {
        String queue = "cleanup-" + UUID.randomUUID().toString().substring(0, 8);
        Path hpa = dir.resolve("hpa.yaml");
        Files.writeString(hpa, String.join("\n", "apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler",
                "metadata: {name: small}", "spec:", "  minReplicas: 2", "  maxReplicas: 2", "  metrics:",
                "  - type: External", "    external:", "      metric: {name: celery_queue_length}",
                "      target: {type: AverageValue, averageValue: \"2\"}", ""));
        try (RedisServer redis = RedisServer.start(); RedisClient client = redis.client()) {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-jar", "target/celery-queue-exporter.jar", "rehearse", "--live", "--broker.url",
                    redis.url() + "/0", "--queue", queue, "--autoscaler", hpa.toString(), "--traffic", "constant",
                    "--rate", "6", "--duration", "10m", "--concurrency", "2", "--pod-startup", "0s",
                    "--task", "sleeper.sleep", "--args", "[5]", "--worker-command",
                    "/usr/bin/python3 -m celery --workdir examples/worker -A sleeper worker -Q " + queue + " -c 2 -E"
                            + " --without-mingle --without-gossip"));
            Path err = dir.resolve("err.txt");
            Process rehearsal = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(err.toFile())
                    .start();
            try {
                // both workers hold tasks (running and prefetched) and more wait in the queue
                Eventually.await(Duration.ofSeconds(60), "workers holding tasks and a queue",
                        () -> client.hlen("unacked") >= 8 && client.llen(queue) > 0);
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
}
