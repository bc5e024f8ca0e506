package io.celeryexporter.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A throw-away certificate authority made with the openssl CLI, issuing PEM certificates for the test's servers. */
public final class TestCa {

    /** A certificate and its unencrypted PKCS#8 key. */
    public record Issued(Path cert, Path key) {}

    private final Path dir;
    private final Path caCert;
    private final Path caKey;
    private int serial;

    public TestCa() throws Exception {
        Tools.find("openssl", "the Debian package openssl");
        dir = Files.createTempDirectory("test-ca");
        caKey = dir.resolve("ca.key");
        caCert = dir.resolve("ca.crt");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
                caCert.toString(), "-days", "2", "-subj", "/CN=celery-queue-exporter test CA");
    }

    public Path caCert() {
        return caCert;
    }

    /** A server or client certificate with the given subjectAltName, e.g. {@code IP:127.0.0.1,DNS:localhost}. */
    public Issued issue(String name, String subjectAltName) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=" + subjectAltName + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj",
                "/CN=" + name);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", String.valueOf(++serial + 1000), "-out", cert.toString(), "-days", "2", "-extfile",
                ext.toString());
        return new Issued(cert, key);
    }

    /** A client-side SSLContext that trusts only this CA. */
    public SSLContext clientContext() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(caCert)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Tools.Run run = Tools.run(command);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("openssl failed: " + run.output());
        }
    }
}
