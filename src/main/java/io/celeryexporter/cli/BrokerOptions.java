package io.celeryexporter.cli;

import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.BrokerUrl;
import io.celeryexporter.broker.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How to reach the broker; shared by every subcommand. Defaults are never shown where they could hold a secret. */
public final class BrokerOptions {

    static final String DEFAULT_URL = "redis://localhost:6379/0";

    @Option(names = {"--broker.url", "--broker-url"}, paramLabel = "URL",
            description = {"Celery broker URL: redis://[user[:password]@]host[:port][/db], rediss://… (TLS) or",
                "sentinel://h1:26379;sentinel://h2:26379. Default: $CELERY_BROKER_URL, else " + DEFAULT_URL + "."})
    String url;

    @Option(names = "--sentinel.master-name", paramLabel = "NAME",
            description = "Master name to ask Sentinel for; required with sentinel:// URLs.")
    String sentinelMaster;

    @Option(names = "--broker.tls-ca-file", paramLabel = "FILE",
            description = "PEM CA certificates to trust for rediss:// (default: the JVM trust store).")
    Path caFile;

    @Option(names = "--broker.tls-cert-file", paramLabel = "FILE",
            description = "PEM client certificate for rediss:// (with --broker.tls-key-file).")
    Path certFile;

    @Option(names = "--broker.tls-key-file", paramLabel = "FILE",
            description = "PEM PKCS#8 private key of the client certificate.")
    Path keyFile;

    @Option(names = "--broker.tls-verify", paramLabel = "MODE", defaultValue = "full",
            description = "How to check the server certificate: full (chain and hostname), ca-only, or none."
                    + " Default: ${DEFAULT-VALUE}.")
    String tlsVerify;

    @Option(names = "--broker.timeout", paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Connect and read timeout of each Redis command. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** The URL from the flag, else the environment, else the local default. */
    String effectiveUrl() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("CELERY_BROKER_URL");
        return env != null && !env.isBlank() ? env : DEFAULT_URL;
    }

    BrokerSettings settings() {
        TlsSettings.Verification verification = switch (tlsVerify.toLowerCase()) {
            case "full" -> TlsSettings.Verification.FULL;
            case "ca-only" -> TlsSettings.Verification.CA_ONLY;
            case "none" -> TlsSettings.Verification.NONE;
            default -> throw new IllegalArgumentException("--broker.tls-verify must be full, ca-only or none");
        };
        return new BrokerSettings(BrokerUrl.parse(effectiveUrl()), sentinelMaster,
                new TlsSettings(caFile, certFile, keyFile, verification), timeout);
    }
}
