package io.celeryexporter.broker;

import java.nio.file.Path;

/**
 * How to verify a {@code rediss://} broker and, optionally, which client certificate to present.
 *
 * @param caFile           PEM file with the CA certificates to trust; null means the JVM's default trust store
 * @param certFile         PEM client certificate (chain), or null
 * @param keyFile          PEM PKCS#8 private key of the client certificate, or null
 * @param verification     how much of the server certificate is checked
 */
public record TlsSettings(Path caFile, Path certFile, Path keyFile, Verification verification) {

    public enum Verification {
        /** Chain and hostname: the default. */
        FULL,
        /** Chain only; for servers whose certificate does not name the host used to reach them. */
        CA_ONLY,
        /** Nothing; traffic is encrypted but the server is not authenticated. */
        NONE
    }

    public static final TlsSettings DEFAULT = new TlsSettings(null, null, null, Verification.FULL);

    public TlsSettings {
        if ((certFile == null) != (keyFile == null)) {
            throw new InvalidBrokerUrlException("a TLS client certificate needs both a certificate file and a key file");
        }
    }

    /** Celery's {@code ssl_*} query parameters of a {@code rediss://} URL fill what the flags left unset. */
    public TlsSettings withUrlDefaults(BrokerUrl url) {
        var q = url.query();
        Path ca = caFile != null ? caFile : pathOrNull(q.get("ssl_ca_certs"));
        Path cert = certFile != null ? certFile : pathOrNull(q.get("ssl_certfile"));
        Path key = keyFile != null ? keyFile : pathOrNull(q.get("ssl_keyfile"));
        Verification v = verification;
        String reqs = q.get("ssl_cert_reqs");
        if (v == Verification.FULL && reqs != null) {
            v = switch (reqs.toLowerCase()) {
                case "none", "cert_none" -> Verification.NONE;
                case "optional", "cert_optional" -> Verification.CA_ONLY;
                case "required", "cert_required" -> Verification.FULL;
                default -> throw new InvalidBrokerUrlException("ssl_cert_reqs must be required, optional or none");
            };
        }
        return new TlsSettings(ca, cert, key, v);
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isEmpty() ? null : Path.of(s);
    }
}
