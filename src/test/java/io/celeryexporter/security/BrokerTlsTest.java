package io.celeryexporter.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerException;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.BrokerUrl;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.broker.TlsSettings;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.testing.TestCa;
import io.celeryexporter.tracking.PollClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a real redis-server speaking only TLS, with a CA made by the test: CA file, hostname
 * verification, and a client certificate when the server demands one.
 */
class BrokerTlsTest {

    private static final String PASSWORD = "tls-Secret-9";
    private static TestCa ca;
    private static TestCa.Issued client;
    private static RedisServer byIp;
    private static RedisServer byOtherName;
    private static RedisServer mutual;

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa();
        client = ca.issue("exporter-client", "DNS:exporter");
        byIp = tlsServer(ca.issue("redis-ip", "IP:127.0.0.1,DNS:localhost"), "no");
        byOtherName = tlsServer(ca.issue("redis-named", "DNS:redis.example"), "no");
        mutual = tlsServer(ca.issue("redis-mtls", "IP:127.0.0.1"), "yes");
    }

    private static RedisServer tlsServer(TestCa.Issued cert, String authClients) {
        return RedisServer.start("--port", "0", "--tls-port", RedisServer.PORT, "--tls-cert-file",
                cert.cert().toString(), "--tls-key-file", cert.key().toString(), "--tls-ca-cert-file",
                ca.caCert().toString(), "--tls-auth-clients", authClients, "--requirepass", PASSWORD);
    }

    @AfterAll
    static void stop() {
        for (RedisServer s : new RedisServer[] {byIp, byOtherName, mutual}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static String url(RedisServer server) {
        return "rediss://:" + PASSWORD + "@127.0.0.1:" + server.port() + "/0";
    }

    private static void poll(String url, TlsSettings tls) {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of("q"),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (RedisBroker broker = BrokerConnector.connect(new BrokerSettings(BrokerUrl.parse(url), null, tls,
                Duration.ofSeconds(3)))) {
            assertEquals(0, new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system()).poll().queues().get(0).length());
        }
    }

    private static TlsSettings tls(Path caFile, TestCa.Issued clientCert, TlsSettings.Verification verification) {
        return new TlsSettings(caFile, clientCert == null ? null : clientCert.cert(),
                clientCert == null ? null : clientCert.key(), verification);
    }

    private static void assertRefused(String url, TlsSettings tls) {
        BrokerException e = assertThrows(BrokerException.class, () -> poll(url, tls));
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void caFileAndHostnameVerification() {
        poll(url(byIp), tls(ca.caCert(), null, TlsSettings.Verification.FULL));
    }

    @Test
    void caFileFromCelerysUrlParameter() {
        poll(url(byIp) + "?ssl_cert_reqs=required&ssl_ca_certs=" + ca.caCert(), TlsSettings.DEFAULT);
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        assertRefused(url(byIp), TlsSettings.DEFAULT);
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessVerificationIsRelaxed() {
        assertRefused(url(byOtherName), tls(ca.caCert(), null, TlsSettings.Verification.FULL));
        poll(url(byOtherName), tls(ca.caCert(), null, TlsSettings.Verification.CA_ONLY));
        poll(url(byOtherName), tls(null, null, TlsSettings.Verification.NONE));
    }

    @Test
    void clientCertificateWhenTheServerDemandsOne() {
        poll(url(mutual), tls(ca.caCert(), client, TlsSettings.Verification.FULL));
        assertRefused(url(mutual), tls(ca.caCert(), null, TlsSettings.Verification.FULL));
    }

    @Test
    void aPlainClientGetsNoAnswerFromATlsServer() {
        assertRefused("redis://:" + PASSWORD + "@127.0.0.1:" + byIp.port() + "/0", TlsSettings.DEFAULT);
    }

    @Test
    void badKeyFilesAreAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> poll(url(mutual),
                new TlsSettings(ca.caCert(), client.cert(), client.cert(), TlsSettings.Verification.FULL)));
        assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
    }
}
