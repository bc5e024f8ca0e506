package io.celeryexporter.chart;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.Manifests;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.manifest.AutoscalerFiles;
import io.celeryexporter.rehearsal.PipelineSettings;
import io.celeryexporter.rehearsal.Simulation;
import io.celeryexporter.rehearsal.Summary;
import io.celeryexporter.rehearsal.Traffic;
import io.celeryexporter.rehearsal.WorkerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * charts/celery-queue-exporter, linted and rendered by real Helm (helm-java embeds Helm's Go code as a native
 * library): every rendered document strict-parsed, the defaults equal to deploy/, the copies of the rules, dashboard
 * and autoscalers equal to their sources, the schema's refusals, and the rendered autoscalers rehearsed.
 */
class ChartTest {

    static final Path CHART = Path.of("charts/celery-queue-exporter");
    static final String RELEASE = "celery-queue-exporter";
    static final List<String> AUTOSCALERS = List.of("hpa-load", "hpa-composite", "hpa-queue-length", "hpa-wait-time",
            "keda-load", "keda-composite", "keda-queue-length", "keda-wait-time", "keda-push");
    /** Every optional part on, as --set pairs. */
    static final Map<String, String> EVERYTHING_ON = Map.of(
            "serviceMonitor.enabled", "true",
            "prometheusRule.enabled", "true",
            "dashboard.enabled", "true",
            "broker.url", "redis://exporter:secret@redis.crucible.svc:6379/0",
            "web.tls.secretName", "exporter-tls",
            "web.config.basic_auth_users.prometheus", "$2y$10$X0wXpqZ5FpV1b8cV7d3bSeH9h7Q3zW9o1x4r5t6y7u8i9o0p1a2b3",
            "autoscaler.kind", "hpa-load",
            "autoscaler.deployment", "dispatcher",
            "autoscaler.queue", "evaluation");

    @BeforeAll
    static void helmLoads() {
        try {
            Helm.version().call();
        } catch (LinkageError e) {
            throw new AssertionError("helm-java's native library did not load on this machine ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + "; the pom brings com.marcnuri.helm-java:linux-amd64 only): " + e, e);
        }
    }

    static TemplateCommand template(Map<String, String> values) {
        TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace("crucible")
                .withKubeVersion("1.31.0");
        for (Map.Entry<String, String> v : values.entrySet()) {
            command = command.set(v.getKey(), v.getValue());
        }
        return command;
    }

    static List<Manifests.Document> render(Map<String, String> values) throws IOException {
        List<Manifests.Document> docs = new ArrayList<>();
        Iterator<JsonNode> it = Manifests.YAML.readerFor(JsonNode.class).readValues(template(values).call());
        while (it.hasNext()) {
            JsonNode node = it.next();
            if (node != null && !node.isMissingNode() && !node.isNull()) {
                docs.add(new Manifests.Document(Path.of("rendered"), node));
            }
        }
        return docs;
    }

    static JsonNode only(List<Manifests.Document> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.kind().equals(kind)).map(Manifests.Document::node).toList();
        assertEquals(1, found.size(), kind + " documents");
        return found.get(0);
    }

    static JsonNode file(String path) throws IOException {
        return Manifests.YAML.readTree(Path.of(path).toFile());
    }

    @Test
    void lintsStrictWithTheDefaultsAndWithEveryPartOn(@TempDir Path dir) throws IOException {
        LintResult defaults = new Helm(CHART).lint().strict().call();
        assertFalse(defaults.isFailed(), "helm lint --strict: " + defaults.getMessages());

        // helm-java's lint takes no values: lint a copy whose values.yaml turns every part on
        Path copy = dir.resolve("celery-queue-exporter");
        copyTree(CHART, copy);
        ObjectNode values = (ObjectNode) Manifests.YAML.readTree(CHART.resolve("values.yaml").toFile());
        EVERYTHING_ON.forEach((key, value) -> setPath(values, key, value));
        Manifests.YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        LintResult everything = new Helm(copy).lint().strict().call();
        assertFalse(everything.isFailed(), "helm lint --strict, every part on: " + everything.getMessages());
        assertTrue(everything.getMessages().stream().noneMatch(m -> m.startsWith("[WARNING]")
                || m.startsWith("[ERROR]")), everything.getMessages().toString());
    }

    @Test
    void everyRenderedDocumentParsesStrictly() throws IOException {
        List<Manifests.Document> docs = render(EVERYTHING_ON);
        assertEquals(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PrometheusRule", "Secret",
                "Secret", "Service", "ServiceMonitor"), docs.stream().map(Manifests.Document::kind).sorted().toList());
        for (Manifests.Document doc : docs) {
            assertEquals(List.of(), Manifests.unknownFields(doc), doc.kind());
            assertEquals("crucible", doc.node().at("/metadata/namespace").asText(), doc.kind());
        }
        for (String kind : AUTOSCALERS) {
            for (Manifests.Document doc : render(Map.of("autoscaler.kind", kind, "autoscaler.deployment", "dispatcher",
                    "autoscaler.queue", "evaluation"))) {
                assertEquals(List.of(), Manifests.unknownFields(doc), kind + ": " + doc.kind());
            }
        }
    }

    @Test
    void theDefaultsInstallWhatDeployInstalls() throws IOException {
        List<Manifests.Document> docs = render(Map.of());
        assertEquals(List.of("Deployment", "Service"), docs.stream().map(Manifests.Document::kind).sorted().toList());

        JsonNode chart = only(docs, "Deployment");
        JsonNode deploy = file("deploy/deployment.yaml");
        assertEquals(deploy.at("/spec/template/spec"), chart.at("/spec/template/spec"), "the pod spec");
        assertEquals(deploy.at("/spec/replicas"), chart.at("/spec/replicas"));
        assertEquals(deploy.at("/metadata/name"), chart.at("/metadata/name"));
        assertLabelsWithin(deploy.at("/metadata/labels"), chart.at("/metadata/labels"));
        assertLabelsWithin(deploy.at("/spec/template/metadata/labels"), chart.at("/spec/template/metadata/labels"));
        assertLabelsWithin(deploy.at("/spec/selector/matchLabels"), chart.at("/spec/selector/matchLabels"));

        JsonNode service = only(docs, "Service");
        JsonNode deployService = file("deploy/service.yaml");
        assertEquals(deployService.at("/spec/ports"), service.at("/spec/ports"));
        assertEquals(deployService.at("/metadata/name"), service.at("/metadata/name"), "the alerts' job label");
        assertLabelsWithin(deployService.at("/spec/selector"), service.at("/spec/selector"));

        JsonNode monitor = only(render(Map.of("serviceMonitor.enabled", "true")), "ServiceMonitor");
        JsonNode deployMonitor = file("deploy/servicemonitor.yaml");
        assertEquals(deployMonitor.at("/spec/endpoints"), monitor.at("/spec/endpoints"));
        assertLabelsWithin(deployMonitor.at("/metadata/labels"), monitor.at("/metadata/labels"));
        assertEquals("app.kubernetes.io/name", monitor.at("/spec/jobLabel").asText());
        assertEquals("celery-queue-exporter", service.at("/metadata/labels/app.kubernetes.io~1name").asText(),
                "the job label the alerts expect, whatever the release is called");
    }

    private static void assertLabelsWithin(JsonNode expected, JsonNode actual) {
        expected.fields().forEachRemaining(e -> assertEquals(e.getValue(), actual.get(e.getKey()), e.getKey()));
    }

    @Test
    void theOptionalPartsRenderTheRepositorysRulesDashboardAndWebConfig() throws IOException {
        List<Manifests.Document> docs = render(EVERYTHING_ON);
        assertEquals(file("alerts/prometheus-rule.yml").at("/spec/groups"),
                only(docs, "PrometheusRule").at("/spec/groups"));
        assertEquals(new ObjectMapper().readTree(Path.of("grafana/celery-queues.json").toFile()),
                new ObjectMapper().readTree(only(docs, "ConfigMap").at("/data/celery-queues.json").asText()));
        assertEquals("1", only(docs, "ConfigMap").at("/metadata/labels/grafana_dashboard").asText());

        JsonNode pod = only(docs, "Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        assertTrue(args.contains("--web.config.file=/etc/celery-queue-exporter/web/web-config.yml"), args.toString());
        assertEquals("HTTPS", container.at("/livenessProbe/httpGet/scheme").asText());
        assertEquals("HTTPS", container.at("/readinessProbe/httpGet/scheme").asText());
        assertEquals("celery-queue-exporter-broker",
                container.at("/env/0/valueFrom/secretKeyRef/name").asText());

        JsonNode webConfig = null;
        for (Manifests.Document d : docs) {
            if (d.kind().equals("Secret") && d.node().at("/metadata/name").asText().endsWith("-web-config")) {
                webConfig = Manifests.YAML.readTree(d.node().at("/stringData/web-config.yml").asText());
            } else if (d.kind().equals("Secret")) {
                assertEquals(EVERYTHING_ON.get("broker.url"), d.node().at("/stringData/url").asText());
            }
        }
        assertEquals("/etc/celery-queue-exporter/tls/tls.crt", webConfig.at("/tls_server_config/cert_file").asText());
        assertEquals("/etc/celery-queue-exporter/tls/tls.key", webConfig.at("/tls_server_config/key_file").asText());
        assertEquals(EVERYTHING_ON.get("web.config.basic_auth_users.prometheus"),
                webConfig.at("/basic_auth_users/prometheus").asText());
        assertEquals("https", only(docs, "ServiceMonitor").at("/spec/endpoints/0/scheme").asText());
    }

    /** With the shipped files' own Deployment and queue, a rendered autoscaler is the shipped file. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hpa-load", "hpa-composite", "hpa-queue-length", "hpa-wait-time", "keda-load",
        "keda-composite", "keda-queue-length", "keda-wait-time", "keda-push"})
    void aRenderedAutoscalerIsTheShippedFileAndRehearsesAlike(String kind, @TempDir Path dir) throws Exception {
        JsonNode rendered = autoscalerOf(render(Map.of("autoscaler.kind", kind, "autoscaler.deployment", "dispatcher",
                "autoscaler.queue", "evaluation")));
        String[] folderAndName = kind.split("-", 2);
        Path shippedFile = Path.of(folderAndName[0], folderAndName[1] + ".yaml");
        JsonNode shipped = file(shippedFile.toString());
        assertEquals(shipped.get("spec"), rendered.get("spec"));
        assertEquals(shipped.at("/metadata/name"), rendered.at("/metadata/name"));

        Path renderedFile = dir.resolve(kind + ".yaml");
        Manifests.YAML.writeValue(renderedFile.toFile(), rendered);
        Summary fromChart = guide(renderedFile);
        Summary fromRepository = guide(shippedFile);
        assertEquals(fromRepository, fromChart);
        // the bounds the files in hpa/ and keda/ are held to (ShippedAutoscalersRehearsalTest, SteadyLoadRehearsalTest)
        boolean onLoad = kind.endsWith("load") || kind.endsWith("composite") || kind.endsWith("push");
        assertAll(kind + ": " + fromChart,
                () -> assertTrue(fromChart.p95OldestAgeSeconds() <= (onLoad ? 40 : 60)),
                () -> assertTrue(fromChart.maxOldestAgeSeconds() <= (onLoad ? 45 : 120)),
                () -> assertTrue(fromChart.scaleReversals() <= 1),
                () -> assertTrue(fromChart.replicaHours() <= 2 * fromChart.idealReplicaHours()));
    }

    private static Summary guide(Path file) throws Exception {
        Autoscaler autoscaler = AutoscalerFiles.read(file, 15, ReplicaCalculator.Settings.DEFAULT);
        return new Simulation(new WorkerSettings(4, 0.8, true, 30, 500, 100), PipelineSettings.DEFAULT, 0.05)
                .run(autoscaler, Traffic.of(Traffic.GUIDE, 50, Duration.ofMinutes(5), 1), 1).summary();
    }

    private static JsonNode autoscalerOf(List<Manifests.Document> docs) {
        return docs.stream().filter(d -> d.kind().equals("HorizontalPodAutoscaler")
                || d.kind().equals("ScaledObject")).map(Manifests.Document::node).findFirst().orElseThrow();
    }

    @Test
    void theAutoscalerFollowsTheDeploymentQueueBoundsAndTargets() throws IOException {
        JsonNode hpa = autoscalerOf(render(Map.of("autoscaler.kind", "hpa-composite", "autoscaler.deployment",
                "grader", "autoscaler.queue", "high", "autoscaler.maxReplicas", "40",
                "autoscaler.targets.cpu", "75", "autoscaler.targets.celery_queue_oldest_task_age_seconds", "20")));
        assertEquals("grader", hpa.at("/spec/scaleTargetRef/name").asText());
        assertEquals("grader", hpa.at("/metadata/name").asText());
        assertEquals(40, hpa.at("/spec/maxReplicas").asInt());
        assertEquals(1, hpa.at("/spec/minReplicas").asInt(), "the file's own");
        List<String> selected = new ArrayList<>();
        for (JsonNode metric : hpa.at("/spec/metrics")) {
            switch (metric.get("type").asText()) {
                case "Resource" -> assertEquals(75, metric.at("/resource/target/averageUtilization").asInt());
                case "External" -> {
                    selected.add(metric.at("/external/metric/selector/matchLabels/queue_name").asText());
                    if (metric.at("/external/metric/name").asText().equals("celery_queue_oldest_task_age_seconds")) {
                        assertEquals("20", metric.at("/external/target/value").asText());
                    } else {
                        assertEquals("1", metric.at("/external/target/averageValue").asText(), "the file's own");
                    }
                }
                default -> throw new AssertionError(metric.toString());
            }
        }
        assertEquals(List.of("high", "high"), selected);

        JsonNode scaledObject = autoscalerOf(render(Map.of("autoscaler.kind", "keda-load", "autoscaler.deployment",
                "grader", "autoscaler.queue", "high", "autoscaler.minReplicas", "1", "autoscaler.targets.backlog", "30",
                "autoscaler.prometheusAddress", "http://prometheus.monitoring:9090")));
        assertEquals(1, scaledObject.at("/spec/minReplicaCount").asInt());
        assertEquals(20, scaledObject.at("/spec/maxReplicaCount").asInt());
        assertEquals("max(celery_queue_backlog{queue_name=\"high\"})",
                scaledObject.at("/spec/triggers/1/metadata/query").asText());
        assertEquals("max(celery_queue_required_replicas{queue_name=\"high\"})",
                scaledObject.at("/spec/triggers/0/metadata/query").asText());
        assertEquals("30", scaledObject.at("/spec/triggers/1/metadata/threshold").asText());
        assertEquals("http://prometheus.monitoring:9090",
                scaledObject.at("/spec/triggers/0/metadata/serverAddress").asText());
    }

    @Test
    void theKedaPortWithTlsAndTheAutoscalerThatAsksIt() throws IOException {
        List<Manifests.Document> docs = render(Map.of("keda.tls.secretName", "keda-tls",
                "keda.tls.clientCaSecretName", "keda-clients", "autoscaler.kind", "keda-push",
                "autoscaler.deployment", "grader", "autoscaler.queue", "high",
                "autoscaler.authenticationRef", "exporter-auth"));
        for (Manifests.Document doc : docs) {
            assertEquals(List.of(), Manifests.unknownFields(doc), doc.kind());
        }
        JsonNode pod = only(docs, "Deployment").at("/spec/template/spec");
        List<String> args = new ArrayList<>();
        pod.at("/containers/0/args").forEach(a -> args.add(a.asText()));
        assertTrue(args.containsAll(List.of("--keda.listen-address=:9809",
                "--keda.tls-cert-file=/etc/celery-queue-exporter/keda-tls/tls.crt",
                "--keda.tls-key-file=/etc/celery-queue-exporter/keda-tls/tls.key",
                "--keda.tls-client-ca-file=/etc/celery-queue-exporter/keda-client-ca/ca.crt")), args.toString());
        List<String> secrets = new ArrayList<>();
        pod.at("/volumes").forEach(v -> secrets.add(v.at("/secret/secretName").asText()));
        assertTrue(secrets.containsAll(List.of("keda-tls", "keda-clients")), secrets.toString());

        JsonNode push = autoscalerOf(docs).at("/spec/triggers/0");
        assertEquals("external-push", push.get("type").asText());
        assertEquals("celery-queue-exporter.crucible.svc:9809", push.at("/metadata/scalerAddress").asText());
        assertEquals("high", push.at("/metadata/queue").asText());
        assertEquals("true", push.at("/metadata/enableTLS").asText());
        assertEquals("exporter-auth", push.at("/authenticationRef/name").asText());
        assertRefused(Map.of("keda.enabled", "false", "autoscaler.kind", "keda-push", "autoscaler.deployment", "d",
                "autoscaler.queue", "q"), "autoscaler.kind keda-push asks this exporter's KEDA port: it needs keda.enabled");
    }

    @Test
    void badValuesAreRefusedWithHelmsMessage() {
        assertRefused(Map.of("replicaCount", "two"), "at '/replicaCount': got string, want integer");
        assertRefused(Map.of("autoscaler.kind", "hpa-magic"), "at '/autoscaler/kind': value must be one of 'none'");
        assertRefused(Map.of("autoscaler.kind", "keda-load", "autoscaler.queue", "evaluation"),
                "at '/autoscaler/deployment': minLength: got 0, want 1");
        assertRefused(Map.of("servceMonitor.enabled", "true"), "additional properties 'servceMonitor' not allowed");
        assertRefused(Map.of("broker.url", "http://redis:6379"), "at '/broker/url'");
        assertRefused(Map.of("autoscaler.kind", "hpa-load", "autoscaler.deployment", "dispatcher",
                "autoscaler.queue", "evaluation", "autoscaler.targets.celery_queue_lenght", "3"),
                "autoscaler.targets.celery_queue_lenght: hpa-load has no metric or trigger of that name; "
                        + "it has celery_queue_required_replicas");
    }

    private static void assertRefused(Map<String, String> values, String message) {
        Exception e = assertThrows(Exception.class, () -> template(values).call(), values.toString());
        assertTrue(e.getMessage().contains(message), values + ": " + e.getMessage());
    }

    @Test
    void theChartsVersionAndLicenseFollowTheProjectsAndItsCopiesTheirSources() throws IOException {
        String project = System.getProperty("project.version");
        assertTrue(project != null && !project.isBlank(), "surefire passes project.version");
        JsonNode chart = file(CHART.resolve("Chart.yaml").toString());
        assertEquals(project, chart.get("version").asText(), "Chart.yaml version");
        String app = project.replace("-SNAPSHOT", "");
        assertEquals(app, chart.get("appVersion").asText(), "Chart.yaml appVersion: the image tag");
        assertTrue(file("deploy/deployment.yaml").at("/spec/template/spec/containers/0/image").asText()
                .endsWith(":" + app), "deploy/ runs the same image tag");

        // one license everywhere it is declared: LICENSE, the pom, the image's label and the chart
        assertTrue(Files.readString(Path.of("LICENSE")).strip().startsWith("Apache License\n"
                + "                           Version 2.0, January 2004"), "LICENSE");
        assertTrue(Files.readString(Path.of("pom.xml")).contains("<licenses>\n    <license>\n      <name>Apache-2.0</name>"),
                "the pom's <licenses>");
        assertTrue(Files.readString(Path.of("Dockerfile")).lines().anyMatch(l -> l.equals("ARG LICENSES=Apache-2.0")),
                "the image's org.opencontainers.image.licenses");
        assertEquals("Apache-2.0", chart.at("/annotations/artifacthub.io~1license").asText(), "the chart's");

        Path files = CHART.resolve("files");
        List<String> stale = new ArrayList<>();
        List<Path> copies;
        try (Stream<Path> walk = Files.walk(files)) {
            copies = walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList();
        }
        for (Path copy : copies) {
            Path source = sourceOf(files.relativize(copy));
            if (Files.notExists(source) || Files.mismatch(source, copy) != -1) {
                stale.add(copy + " (from " + source + ")");
            }
        }
        assertEquals(List.of(), stale, "run charts/sync-files.sh");
        assertEquals(AUTOSCALERS.size() + 3 + 1, copies.size(), "every autoscaler kind, rule file and dashboard: "
                + copies);
    }

    private static Path sourceOf(Path copy) {
        String name = copy.getFileName().toString();
        return switch (copy.getParent().toString()) {
            case "rules" -> Path.of("alerts", name);
            case "dashboards" -> Path.of("grafana", name);
            case "autoscalers" -> Path.of(name.substring(0, name.indexOf('-')), name.substring(name.indexOf('-') + 1));
            default -> Path.of("unknown", copy.toString());
        };
    }

    private static void setPath(ObjectNode root, String dotted, String value) {
        String[] keys = dotted.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            node = node.has(keys[i]) && node.get(keys[i]).isObject() ? (ObjectNode) node.get(keys[i])
                    : node.putObject(keys[i]);
        }
        if (value.equals("true") || value.equals("false")) {
            node.put(keys[keys.length - 1], Boolean.parseBoolean(value));
        } else {
            node.put(keys[keys.length - 1], value);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
