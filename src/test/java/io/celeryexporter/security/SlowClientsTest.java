package io.celeryexporter.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.web.HttpLimits;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.web.WebConfig;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RealRedis;
import io.celeryexporter.testing.TestCa;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow and hostile clients on the {@code /metrics} port: half-open requests, silent connections, TLS handshakes that
 * never finish, oversized requests, many scrapers at once. A normal scrape must still answer, on plain HTTP and TLS.
 * The bound on its time is the client's timeout, 3 s, far above the milliseconds it takes; what it guards against is
 * the JDK server's behaviour, where five such clients made every scrape wait forever.
 */
class SlowClientsTest {

    @RegisterExtension
    static final RealRedis REDIS = new RealRedis();

    private static TestCa ca;
    private static Exporter plain;
    private static Exporter tls;
    private static Exporter quickTimeout;

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa();
        TestCa.Issued server = ca.issue("exporter", "IP:127.0.0.1,DNS:localhost");
        Path dir = server.cert().getParent();
        Files.writeString(dir.resolve("web-config.yml"), "tls_server_config:\n  cert_file: %s\n  key_file: %s\n"
                .formatted(server.cert().getFileName(), server.key().getFileName()));
        plain = start(WebConfig.NONE);
        tls = start(WebConfig.load(dir.resolve("web-config.yml")));
        quickTimeout = start(WebConfig.NONE.withLimits(new HttpLimits(Duration.ofSeconds(1), 8192, 100)));
    }

    private static Exporter start(WebConfig web) throws Exception {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"),
                Duration.ofMillis(200), Duration.ofSeconds(30));
        Exporter exporter = Exporter.start(Brokers.connect(REDIS.url(), Duration.ofSeconds(2)), REDIS.url(), config,
                new MessageDecoder(List.of()), ListenAddress.parse("127.0.0.1:0"), web, "test");
        Eventually.await(Duration.ofSeconds(10), "first poll", () -> exporter.state().isReady());
        return exporter;
    }

    @AfterAll
    static void stop() {
        for (Exporter e : new Exporter[] {plain, tls, quickTimeout}) {
            if (e != null) {
                e.close();
            }
        }
    }

    private static Exporter exporter(String scheme) {
        return scheme.equals("https") ? tls : plain;
    }

    private static HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(Duration.ofSeconds(3)).build();
    }

    /** A normal scrape on a new connection, as after a restart of Prometheus; 3 s at most. */
    private static long scrape(String scheme, String path) throws Exception {
        return scrape(client(), scheme, path, Duration.ofSeconds(3));
    }

    /** A scrape; returns the milliseconds it took, after checking it answered with the queue's series. */
    private static long scrape(HttpClient client, String scheme, String path, Duration timeout) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:"
                + exporter(scheme).address().getPort() + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode(), path);
        if (path.equals("/metrics")) {
            assertTrue(response.body().contains("celery_queue_length{queue_name=\"q\"} 0"), response.body());
        }
        return millis;
    }

    private static Socket connect(Exporter exporter) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", exporter.address().getPort()), 3000);
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "https"})
    void halfOpenRequestsAndSilentConnectionsDoNotBlockAScrape(String scheme) throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                held.add(connect(exporter(scheme))); // silent: not a byte, not even a TLS ClientHello
            }
            for (int i = 0; i < 1000; i++) {
                Socket s = connect(exporter(scheme));
                held.add(s);
                // on TLS this is the first bytes of a handshake record that never completes; on HTTP a request
                // whose headers never end
                s.getOutputStream().write(scheme.equals("https") ? new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}
                        : "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            long metrics = scrape(scheme, "/metrics");
            long healthy = scrape(scheme, "/-/healthy");
            long ready = scrape(scheme, "/-/ready");
            long landing = scrape(scheme, "/");
            System.out.printf("%s with 1000 half-open and 200 silent connections: /metrics %d ms, /-/healthy %d ms,"
                    + " /-/ready %d ms, / %d ms%n", scheme, metrics, healthy, ready, landing);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http", "https"})
    void oneHundredConcurrentScrapersAllGetTheirAnswer(String scheme) throws Exception {
        // every one answered, none starved: that is the test. How fast is the bench's business: 100 TLS handshakes
        // on two busy cores took longer than a 3 s connect timeout, so the bounds here only stop a hang
        HttpClient shared = HttpClient.newBuilder().sslContext(ca.clientContext())
                .connectTimeout(Duration.ofSeconds(60)).build(); // opens as many connections as requests in flight
        // a thread each, released together: the common pool has one thread on two cores, which would send them
        // one after another
        ExecutorService scrapers = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Long>> scrapes = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                scrapes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        return scrape(shared, scheme, "/metrics", Duration.ofSeconds(60));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, scrapers));
            }
            go.countDown();
            CompletableFuture.allOf(scrapes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            scrapers.shutdownNow();
        }
        long slowest = scrapes.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
        System.out.printf("%s: 100 concurrent scrapes, slowest %d ms%n", scheme, slowest);
    }

    @Test
    void oversizedRequestsGet431AndTheServerStaysUp() throws Exception {
        assertEquals(431, rawStatus(plain, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                + "\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 150; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertEquals(431, rawStatus(plain, many.append("\r\n").toString()), "150 header lines, limit 100");
        StringBuilder fine = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 50; i++) {
            fine.append("X-H").append(i).append(": v\r\n");
        }
        assertEquals(200, rawStatus(plain, fine.append("Connection: close\r\n\r\n").toString()));
        scrape("http", "/metrics");
    }

    private static int rawStatus(Exporter exporter, String request) throws Exception {
        try (Socket s = connect(exporter)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    @Test
    void aRequestThatStallsIsDroppedAfterTheReadTimeout() throws Exception {
        try (Socket s = connect(quickTimeout)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            // the server closes the connection (end of stream, possibly after a 408), well before our 15 s timeout
            while (in.read() != -1) {
                // drain whatever the server says as it closes
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 0.9, "not before the 1 s read timeout: " + seconds);
            System.out.printf("a stalled request was dropped after %.1f s (read timeout 1 s)%n", seconds);
        }
    }
}
