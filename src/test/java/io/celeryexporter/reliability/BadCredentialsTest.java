package io.celeryexporter.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.cli.Main;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.Http;
import io.celeryexporter.testing.Metrics;
import io.celeryexporter.testing.RedisServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exporter process with credentials the broker refuses: one clear log line, not ready, retries that back off, no
 * crash loop, no log flood, and the secret nowhere: not in the log, /metrics, the landing page or /-/ready.
 */
class BadCredentialsTest {

    private static final String SECRET = "Wr0ng-Secret-42";

    @ParameterizedTest(name = "{0}")
    @CsvSource({"wrong password, ''", "unknown user, ghost"})
    void refusedCredentialsAreReportedOnceAndRetriedWithBackoff(String name, String user) throws Exception {
        try (RedisServer redis = RedisServer.start("--requirepass", "the-right-one")) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("exporter", ".log");
            ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(),
                    "--web.listen-address", "127.0.0.1:" + port, "--poll-interval", "100ms")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("CELERY_BROKER_URL", "redis://" + user + ":" + SECRET + "@127.0.0.1:" + redis.port()
                    + "/0");
            Process exporter = pb.start();
            try {
                String base = "http://127.0.0.1:" + port;
                Eventually.await(Duration.ofSeconds(20), "the exporter to serve", () -> {
                    try {
                        return Http.get(base + "/-/healthy").statusCode() == 200;
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
                Thread.sleep(4000);
                HttpResponse<String> ready = Http.get(base + "/-/ready");
                assertEquals(503, ready.statusCode());
                assertTrue(ready.body().contains("refused the credentials"), ready.body());
                String metrics = Http.get(base + "/metrics").body();
                Metrics m = Metrics.parse(metrics);
                assertEquals(0, m.value("celery_exporter_broker_up").orElseThrow());
                double errors = m.value("celery_exporter_poll_errors_total").orElseThrow();
                // every 100 ms without backoff would be about 40 by now; doubling from 100 ms gives about 6
                assertTrue(errors >= 2 && errors <= 10, "poll errors after ~4 s: " + errors);
                String landing = Http.get(base + "/").body();
                assertTrue(exporter.isAlive(), "no crash");
                for (String text : List.of(ready.body(), metrics, landing)) {
                    assertFalse(text.contains(SECRET), "secret served: " + text);
                }
            } finally {
                exporter.destroy();
                assertTrue(exporter.waitFor(5, TimeUnit.SECONDS), "stops on SIGTERM within 5 s");
            }
            String output = Files.readString(log);
            assertFalse(output.contains(SECRET), "secret in the log:\n" + output);
            assertFalse(output.contains("\tat "), "stack trace in the log:\n" + output);
            long failures = output.lines().filter(l -> l.contains("poll failed")).count();
            assertEquals(1, failures, "one line for the failure, not one per poll:\n" + output);
            assertTrue(output.contains("refused the credentials"), output);
        }
    }
}
