package io.celeryexporter.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --web.config.file}, in the Prometheus exporter-toolkit format: TLS for the HTTP server and basic-auth users
 * with bcrypt-hashed passwords. Paths are relative to the file. Fields the exporter does not support are refused,
 * so a config meant to protect {@code /metrics} never silently leaves it open.
 *
 * <pre>
 * tls_server_config:
 *   cert_file: server.crt
 *   key_file: server.key
 * basic_auth_users:
 *   prometheus: $2y$10$...
 * </pre>
 */
public record WebConfig(Path certFile, Path keyFile, Map<String, String> basicAuthUsers, HttpLimits limits,
                        String telemetryPath) {

    public static final String DEFAULT_TELEMETRY_PATH = "/metrics";
    public static final WebConfig NONE = new WebConfig(null, null, Map.of(), HttpLimits.DEFAULT,
            DEFAULT_TELEMETRY_PATH);

    public WebConfig {
        basicAuthUsers = Map.copyOf(basicAuthUsers);
    }

    /** The same TLS and users, with the limits the flags set. */
    public WebConfig withLimits(HttpLimits replaced) {
        return new WebConfig(certFile, keyFile, basicAuthUsers, replaced, telemetryPath);
    }

    /** The same, serving the metrics at {@code path} ({@code --web.telemetry-path}). */
    public WebConfig withTelemetryPath(String path) {
        if (!path.startsWith("/") || path.equals("/") || path.startsWith("/-/")) {
            throw new IllegalArgumentException("--web.telemetry-path must start with / and be neither / nor under"
                    + " /-/, not '" + path + "'");
        }
        return new WebConfig(certFile, keyFile, basicAuthUsers, limits, path);
    }

    public boolean tls() {
        return certFile != null;
    }

    private record File(TlsServerConfig tlsServerConfig, Map<String, String> basicAuthUsers) {}

    private record TlsServerConfig(String certFile, String keyFile) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static WebConfig load(Path path) {
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read --web.config.file " + path);
        }
        File file;
        try {
            file = YAML.readValue(path.toFile(), File.class);
        } catch (IOException e) {
            String first = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("--web.config.file " + path + " is not valid: " + first);
        }
        if (file == null) {
            return NONE;
        }
        Path dir = path.toAbsolutePath().getParent();
        Path cert = null;
        Path key = null;
        if (file.tlsServerConfig() != null) {
            if (file.tlsServerConfig().certFile() == null || file.tlsServerConfig().keyFile() == null) {
                throw new IllegalArgumentException("--web.config.file " + path
                        + ": tls_server_config needs both cert_file and key_file");
            }
            cert = dir.resolve(file.tlsServerConfig().certFile());
            key = dir.resolve(file.tlsServerConfig().keyFile());
        }
        Map<String, String> users = file.basicAuthUsers() == null ? Map.of() : file.basicAuthUsers();
        users.forEach((user, hash) -> {
            if (hash == null || !hash.startsWith("$2")) {
                throw new IllegalArgumentException("--web.config.file " + path + ": the password of basic_auth user '"
                        + user + "' must be a bcrypt hash ($2y$...)");
            }
        });
        return new WebConfig(cert, key, users, HttpLimits.DEFAULT, DEFAULT_TELEMETRY_PATH);
    }
}
