package io.celeryexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Prometheus (Debian's package) on a free loopback port, scraping what the test tells it to. */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final String base;

    /**
     * @param targets   job name → host:port targets, scraped every second
     * @param ruleFiles rule files to load, evaluated every second
     */
    public PrometheusServer(java.util.Map<String, List<String>> targets, List<Path> ruleFiles) throws Exception {
        this(targets, ruleFiles, Files.createTempDirectory("prometheus-test"));
    }

    /**
     * A Prometheus whose TSDB holds the samples of an OpenMetrics text (ending in {@code # EOF}), written as blocks
     * by {@code promtool tsdb create-blocks-from openmetrics}, as one backfills history. It scrapes nothing.
     */
    public static PrometheusServer backfilled(String openMetrics) throws Exception {
        Path dir = Files.createTempDirectory("prometheus-test");
        Path input = dir.resolve("backfill.om");
        Files.writeString(input, openMetrics);
        Path promtool = Tools.find("promtool", "the Debian package prometheus");
        Tools.Run run = Tools.run(List.of(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics",
                input.toString(), dir.resolve("data").toString()));
        if (run.exitCode() != 0) {
            throw new IllegalStateException("promtool could not backfill: " + run.output());
        }
        return new PrometheusServer(java.util.Map.of(), List.of(), dir);
    }

    private PrometheusServer(java.util.Map<String, List<String>> targets, List<Path> ruleFiles, Path dir)
            throws Exception {
        Path binary = Tools.find("prometheus", "the Debian package prometheus");
        this.dir = dir;
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        config.append("rule_files:\n");
        for (Path rules : ruleFiles) {
            config.append("  - ").append(rules.toAbsolutePath()).append('\n');
        }
        config.append(targets.isEmpty() ? "scrape_configs: []\n" : "scrape_configs:\n");
        targets.forEach((job, list) -> config.append("  - job_name: ").append(job)
                .append("\n    static_configs:\n      - targets: ['").append(String.join("', '", list))
                .append("']\n"));
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        Eventually.await(Duration.ofSeconds(30), "Prometheus to start", () -> {
            try {
                return Http.get(base + "/-/ready").statusCode() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    public String url() {
        return base;
    }

    /** Runs an instant query; fails on any error Prometheus reports. Returns the result vector. */
    public JsonNode query(String promql) {
        return get(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8), promql);
    }

    /** An instant query evaluated at a given Unix time, so several queries read the same, settled evaluation. */
    public JsonNode query(String promql, double unixSeconds) {
        return get(base + "/api/v1/query?time=" + unixSeconds + "&query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8), promql);
    }

    private JsonNode get(String url, String promql) {
        var response = Http.get(url);
        try {
            JsonNode body = JSON.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("query failed: " + promql + "\n" + response.body());
            }
            return body.get("data").get("result");
        } catch (IOException e) {
            throw new AssertionError("bad answer to " + promql + ": " + response.body(), e);
        }
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("prometheus.log"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
