package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.keda.proto.ExternalScalerGrpc;
import io.celeryexporter.keda.proto.GetMetricsRequest;
import io.celeryexporter.keda.proto.ScaledObjectRef;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.QueueLengthHpa;
import io.celeryexporter.testing.RealRedis;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The packaged artifact a user runs: {@code java -jar target/celery-queue-exporter.jar}. */
class ShadedJarIT {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final Path JAR = Path.of("target", "celery-queue-exporter.jar");

    private static ProcessBuilder jar(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String runToEnd(String... args) throws Exception {
        ChildProcess.Result r = ChildProcess.run(jar(args), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return r.out() + r.err();
    }

    @Test
    void versionInspectAndServeWork() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run 'mvn package' first");
        assertTrue(runToEnd("--version").startsWith("celery-queue-exporter "));
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("evaluation", 0, 4);
        }
        assertTrue(runToEnd("inspect", "--broker.url", REDIS.url()).contains("evaluation"));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("serve", ".log");
        Process serve = jar("--broker.url", REDIS.url(), "--web.listen-address", "127.0.0.1:" + port,
                "--poll-interval", "200ms").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String url = "http://127.0.0.1:" + port;
            Eventually.await(Duration.ofSeconds(20), "the jar to serve metrics", () -> {
                try {
                    return Http.get(url + "/metrics").body().contains("celery_queue_length{queue_name=\"evaluation\"} 4");
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
            long stopAt = System.nanoTime();
            serve.destroy(); // SIGTERM
            assertTrue(serve.waitFor(5, TimeUnit.SECONDS), "stops within 5 s of SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("shutting down"), output);
            assertTrue(Duration.ofNanos(System.nanoTime() - stopAt).toSeconds() < 5);
        } finally {
            ChildProcess.kill(serve);
        }
    }

    /** The KEDA port in the shaded jar, whose Netty lost its native TLS libraries to the shade filter. */
    @Test
    void theJarServesKedasExternalScalerApi() throws Exception {
        try (RedisClient redis = REDIS.client()) {
            new CeleryRedis(redis).publish("pushed", 0, 2);
        }
        int web;
        int keda;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            web = a.getLocalPort();
            keda = b.getLocalPort();
        }
        Path log = Files.createTempFile("serve", ".log");
        Process serve = jar("--broker.url", REDIS.url(), "--web.listen-address", "127.0.0.1:" + web,
                "--keda.listen-address", "127.0.0.1:" + keda, "--poll-interval", "200ms")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", keda,
                InsecureChannelCredentials.create()).build();
        try {
            ScaledObjectRef ref = ScaledObjectRef.newBuilder().putScalerMetadata("queue", "pushed")
                    .putScalerMetadata("metric", "length").build();
            Eventually.await(Duration.ofSeconds(30), "the jar's KEDA port to answer", () -> {
                try {
                    return ExternalScalerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getMetrics(GetMetricsRequest.newBuilder().setScaledObjectRef(ref).build())
                            .getMetricValues(0).getMetricValueFloat() == 2;
                } catch (StatusRuntimeException notYet) {
                    return false;
                }
            });
            assertTrue(Files.readString(log).contains("serving KEDA's external scaler API (gRPC) on"),
                    Files.readString(log));
        } finally {
            channel.shutdownNow();
            ChildProcess.kill(serve);
        }
    }

    /** A stopped live rehearsal (SIGTERM, as Ctrl-C's SIGINT) prints the summary so far and leaves nothing behind. */
    @Test
    void aLiveRehearsalStoppedEarlyPrintsItsSummarySoFarAndCleansUp() throws Exception {
        Path hpa = QueueLengthHpa.write(Files.createTempFile("hpa", ".yaml"), 1, 4, 1000);
        Path out = Files.createTempFile("rehearse", ".out");
        Path err = Files.createTempFile("rehearse", ".err");
        // one slow replica against 20 tasks/s: the queue grows until the rehearsal is stopped
        Process rehearse = jar("rehearse", "--live", "--broker.url", REDIS.url(), "--queue", "stopped",
                "--autoscaler", hpa.toString(), "--traffic", "constant", "--rate", "20", "--duration", "10m",
                "--task-seconds", "5", "--concurrency", "1", "--poll-interval", "1s", "-o", "json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Eventually.await(Duration.ofSeconds(30), "the first progress line", () -> {
                try {
                    return Files.readString(err).contains("live t=5s");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rehearse.destroy(); // SIGTERM: the shutdown hook ends the rehearsal at its next step
            assertTrue(rehearse.waitFor(15, TimeUnit.SECONDS), "stops within 15 s");
            String summary = Files.readString(out);
            assertTrue(summary.contains("\"arrived\": "), "the summary so far: " + summary + Files.readString(err));
            assertTrue(Files.readString(err).contains("removed the "), Files.readString(err));
            try (RedisClient redis = REDIS.client()) {
                assertEquals(0, redis.llen("stopped"), "the tasks it published are gone");
            }
        } finally {
            ChildProcess.kill(rehearse);
        }
    }
}
