package io.celeryexporter.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.testing.TestCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --web.config.file}: /metrics over real TLS with bcrypt basic auth; probes stay reachable. */
class WebSecurityTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static final String PASSWORD = "scrape-Secret-7";
    private static TestCa ca;
    private static Exporter exporter;
    private static HttpClient client;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa();
        TestCa.Issued server = ca.issue("exporter", "IP:127.0.0.1,DNS:localhost");
        Path dir = server.cert().getParent();
        Files.writeString(dir.resolve("web-config.yml"), """
                tls_server_config:
                  cert_file: %s
                  key_file: %s
                basic_auth_users:
                  prometheus: %s
                """.formatted(server.cert().getFileName(), server.key().getFileName(),
                BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray())));
        WebConfig web = WebConfig.load(dir.resolve("web-config.yml"));
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"),
                Duration.ofMillis(200), Duration.ofSeconds(30));
        exporter = Exporter.start(Brokers.connect(REDIS.url(), Duration.ofSeconds(2)), REDIS.url(), config,
                new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), web, "test");
        port = exporter.address().getPort();
        client = HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(Duration.ofSeconds(3)).build();
        Eventually.await(Duration.ofSeconds(5), "first poll", () -> exporter.state().isReady());
    }

    @AfterAll
    static void stop() {
        if (exporter != null) {
            exporter.close();
        }
    }

    private static HttpResponse<String> get(String scheme, String path, String user, String password)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsNeedTheRightPasswordOverTls() throws Exception {
        HttpResponse<String> ok = get("https", "/metrics", "prometheus", PASSWORD);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("celery_queue_length{queue_name=\"q\"} 0.0"), ok.body());
        assertEquals(200, get("https", "/metrics", "prometheus", PASSWORD).statusCode(), "again, from the cache");
        assertEquals(401, get("https", "/metrics", "prometheus", "wrong").statusCode());
        assertEquals(401, get("https", "/metrics", "nobody", PASSWORD).statusCode());
        assertEquals(401, get("https", "/metrics", null, null).statusCode());
        assertEquals(401, get("https", "/", null, null).statusCode(), "the landing page is protected too");
    }

    @Test
    void probesStayReachableWithoutCredentials() throws Exception {
        assertEquals(200, get("https", "/-/healthy", null, null).statusCode());
        assertEquals(200, get("https", "/-/ready", null, null).statusCode());
    }

    @Test
    void plainHttpIsRefusedWhenTlsIsOn() {
        assertThrows(IOException.class, () -> get("http", "/metrics", "prometheus", PASSWORD));
    }

    @Test
    void badWebConfigsGetOneClearError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("typo.yml"), "basic_auth_user:\n  a: $2y$10$abc\n");
        Files.writeString(dir.resolve("plain.yml"), "basic_auth_users:\n  a: hunter2\n");
        Files.writeString(dir.resolve("nokey.yml"), "tls_server_config:\n  cert_file: x.crt\n");
        for (String name : List.of("typo.yml", "plain.yml", "nokey.yml", "missing.yml")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebConfig.load(dir.resolve(name)));
            assertTrue(e.getMessage().contains("web.config.file"), e.getMessage());
            assertTrue(!e.getMessage().contains("hunter2"), "no password in the error: " + e.getMessage());
        }
    }
}
