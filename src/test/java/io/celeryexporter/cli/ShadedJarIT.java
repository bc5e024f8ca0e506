package io.celeryexporter.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.RealRedis;
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
}
