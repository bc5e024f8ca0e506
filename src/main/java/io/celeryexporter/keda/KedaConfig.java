package io.celeryexporter.keda;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Where and how to serve KEDA's external scaler.
 *
 * @param address      where to listen
 * @param certFile     the server's PEM certificate chain; null for plaintext
 * @param keyFile      its PKCS#8 key
 * @param clientCaFile the CA that signs KEDA's client certificates, which are then required; null for none
 */
public record KedaConfig(InetSocketAddress address, Path certFile, Path keyFile, Path clientCaFile) {

    public KedaConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--keda.tls-cert-file and --keda.tls-key-file go together");
        }
        if (clientCaFile != null && certFile == null) {
            throw new IllegalArgumentException("--keda.tls-client-ca-file needs --keda.tls-cert-file and"
                    + " --keda.tls-key-file: client certificates are a part of TLS");
        }
    }

    public boolean tls() {
        return certFile != null;
    }
}
