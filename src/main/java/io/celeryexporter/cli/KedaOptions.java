package io.celeryexporter.cli;

import io.celeryexporter.keda.KedaConfig;
import io.celeryexporter.web.ListenAddress;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The KEDA external scaler's flags, for serve. */
public final class KedaOptions {

    @Option(names = "--keda.listen-address", paramLabel = "[HOST]:PORT",
            description = {"Serve KEDA's external scaler gRPC API (external and external-push triggers) here, e.g.",
                ":9809. Default: off."})
    String listenAddress;

    @Option(names = "--keda.tls-cert-file", paramLabel = "FILE",
            description = "PEM certificate chain for the KEDA port (with --keda.tls-key-file): TLS, as KEDA's caCert"
                    + " expects.")
    Path certFile;

    @Option(names = "--keda.tls-key-file", paramLabel = "FILE", description = "Its unencrypted PKCS#8 PEM key.")
    Path keyFile;

    @Option(names = "--keda.tls-client-ca-file", paramLabel = "FILE",
            description = "Require client certificates signed by this PEM CA (KEDA's tlsClientCert and tlsClientKey).")
    Path clientCaFile;

    /** Null when the KEDA port is off. */
    KedaConfig config() {
        if (listenAddress == null) {
            if (certFile != null || keyFile != null || clientCaFile != null) {
                throw new IllegalArgumentException("the --keda.tls-* flags need --keda.listen-address");
            }
            return null;
        }
        return new KedaConfig(ListenAddress.parse(listenAddress).toSocketAddress(), certFile, keyFile, clientCaFile);
    }
}
