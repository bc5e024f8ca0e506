package io.celeryexporter.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.celeryexporter.keda.ScalerRequest;
import io.celeryexporter.testing.Tools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/, hpa/, keda/ and prometheus-adapter/: strict parsing and the checks that make them fit together. */
class ManifestTest {

    /** Labels the exporter puts on its queue series (QueueCollector). */
    private static final Set<String> EXPORTER_LABELS = Set.of("queue_name", "priority", "task_name");
    private static final Set<String> PROMETHEUS_TRIGGER_KEYS = Set.of("serverAddress", "query", "threshold",
            "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "queryParameters", "unsafeSsl",
            "timeout", "authModes");

    @Test
    void everyManifestParsesWithNoUnknownField() throws Exception {
        List<Manifests.Document> docs = Manifests.documents("deploy", "hpa", "keda");
        assertTrue(docs.size() >= 9, "documents: " + docs.size());
        for (Manifests.Document doc : docs) {
            assertEquals(List.of(), Manifests.unknownFields(doc), doc.file() + " (" + doc.kind() + ")");
        }
    }

    @Test
    void aTypoIsCaught() throws Exception {
        JsonNode hpa = Manifests.YAML.readTree(Path.of("hpa/queue-length.yaml").toFile());
        String typo = Manifests.YAML.writeValueAsString(hpa).replace("averageValue:", "averageValu:");
        Manifests.Document doc = new Manifests.Document(Path.of("typo.yaml"), Manifests.YAML.readTree(typo));
        assertEquals(List.of(".spec.metrics[0].external.target.averageValu"), Manifests.unknownFields(doc));
        String crdTypo = Manifests.YAML.writeValueAsString(Manifests.YAML.readTree(Path.of("keda/queue-length.yaml")
                .toFile())).replace("minReplicaCount", "minReplicasCount");
        assertFalse(Manifests.unknownFields(new Manifests.Document(Path.of("typo.yaml"),
                Manifests.YAML.readTree(crdTypo))).isEmpty());
    }

    @Test
    void hpasAreConsistentAndOnlyUseMetricsTheAdapterServes() throws Exception {
        Adapter adapter = Adapter.load(Path.of("prometheus-adapter/config.yaml"));
        for (String file : List.of("queue-length", "wait-time", "http-rate", "composite", "load")) {
            HorizontalPodAutoscaler hpa = Manifests.hpa(Path.of("hpa", file + ".yaml"));
            assertEquals("dispatcher", hpa.getSpec().getScaleTargetRef().getName(), file);
            assertEquals("crucible", hpa.getMetadata().getNamespace(), file);
            assertTrue(hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas(), file + ": min > max");
            assertTrue(hpa.getSpec().getMinReplicas() >= 1, file + ": minReplicas 0 needs an alpha gate");
            for (MetricSpec metric : hpa.getSpec().getMetrics()) {
                checkTarget(file, metric);
                switch (metric.getType()) {
                    case "External" -> {
                        String name = metric.getExternal().getMetric().getName();
                        assertTrue(adapter.servesExternal(name), file + ": no adapter rule serves " + name);
                        Map<String, String> labels = metric.getExternal().getMetric().getSelector().getMatchLabels();
                        assertEquals(Set.of("queue_name"), labels.keySet(), file + ": select exactly one queue");
                        assertTrue(EXPORTER_LABELS.containsAll(labels.keySet()), file);
                        if (name.contains("age") || name.contains("wait")) {
                            assertEquals("Value", metric.getExternal().getTarget().getType(),
                                    file + ": a wait is not divisible per pod");
                        }
                    }
                    case "Pods" -> assertTrue(adapter.servesPods(metric.getPods().getMetric().getName()),
                            file + ": no adapter rule serves " + metric.getPods().getMetric().getName());
                    case "Resource" -> assertEquals("cpu", metric.getResource().getName(), file);
                    default -> throw new AssertionError(file + ": unexpected metric type " + metric.getType());
                }
            }
        }
        HorizontalPodAutoscaler composite = Manifests.hpa(Path.of("hpa/composite.yaml"));
        var up = composite.getSpec().getBehavior().getScaleUp();
        var down = composite.getSpec().getBehavior().getScaleDown();
        assertEquals("Max", up.getSelectPolicy());
        assertEquals(0, up.getStabilizationWindowSeconds());
        assertEquals("Max", down.getSelectPolicy());
        assertEquals(45, down.getStabilizationWindowSeconds(), "tuned by rehearsal, see hpa/README.md");
        assertEquals(List.of("cpu", "celery_queue_required_replicas", "celery_queue_oldest_task_age_seconds"),
                composite.getSpec().getMetrics().stream().map(m -> m.getType().equals("Resource")
                        ? m.getResource().getName() : m.getExternal().getMetric().getName()).toList(),
                "CPU, the workers' load and the oldest age in one HPA");
    }

    private static void checkTarget(String file, MetricSpec metric) {
        var target = switch (metric.getType()) {
            case "External" -> metric.getExternal().getTarget();
            case "Pods" -> metric.getPods().getTarget();
            case "Resource" -> metric.getResource().getTarget();
            case "Object" -> metric.getObject().getTarget();
            default -> throw new AssertionError(file + ": metric type " + metric.getType());
        };
        switch (target.getType()) {
            case "AverageValue" -> assertNotNull(target.getAverageValue(), file + ": AverageValue without averageValue");
            case "Value" -> assertNotNull(target.getValue(), file + ": Value without value");
            case "Utilization" -> assertNotNull(target.getAverageUtilization(), file);
            default -> throw new AssertionError(file + ": target type " + target.getType());
        }
    }

    @Test
    void adapterConfigAndHelmValuesAgree() throws Exception {
        JsonNode config = Manifests.YAML.readTree(Path.of("prometheus-adapter/config.yaml").toFile());
        JsonNode values = Manifests.YAML.readTree(Path.of("prometheus-adapter/values.yaml").toFile());
        assertEquals(config.get("rules"), values.at("/rules/custom"));
        assertEquals(config.get("externalRules"), values.at("/rules/external"));
        for (JsonNode rule : config.get("externalRules")) {
            assertTrue(rule.get("metricsQuery").asText().startsWith("max by (queue_name)"), "replicas must not add up");
            assertFalse(rule.at("/resources/namespaced").asBoolean(true));
        }
    }

    @Test
    void exporterDeploymentServiceAndServiceMonitorFitTogether() throws Exception {
        Deployment deployment = Manifests.YAML.readValue(Path.of("deploy/deployment.yaml").toFile(), Deployment.class);
        Service service = Manifests.YAML.readValue(Path.of("deploy/service.yaml").toFile(), Service.class);
        CrdModels.ServiceMonitor monitor = Manifests.STRICT.readValue(Path.of("deploy/servicemonitor.yaml").toFile(),
                CrdModels.ServiceMonitor.class);
        var pod = deployment.getSpec().getTemplate().getSpec();
        Container exporter = pod.getContainers().get(0);

        assertEquals(9808, exporter.getPorts().get(0).getContainerPort());
        assertEquals("metrics", exporter.getPorts().get(0).getName());
        assertEquals("/-/healthy", exporter.getLivenessProbe().getHttpGet().getPath(), "liveness on /-/healthy");
        assertEquals("/-/ready", exporter.getReadinessProbe().getHttpGet().getPath(), "readiness on /-/ready");
        assertEquals("metrics", exporter.getLivenessProbe().getHttpGet().getPort().getStrVal());
        assertEquals("metrics", exporter.getReadinessProbe().getHttpGet().getPort().getStrVal());
        var url = exporter.getEnv().stream().filter(e -> e.getName().equals("CELERY_BROKER_URL")).findFirst()
                .orElseThrow();
        assertNotNull(url.getValueFrom().getSecretKeyRef(), "the broker URL comes from a Secret");
        var jvm = exporter.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst()
                .orElseThrow();
        assertTrue(jvm.getValue().contains("-XX:+ExitOnOutOfMemoryError"), "out of memory ends the pod's process");
        assertTrue(Files.readString(Path.of("Dockerfile")).lines().anyMatch(l -> l.startsWith("ENTRYPOINT")
                && l.contains("\"-XX:+ExitOnOutOfMemoryError\"")), "and the image's");

        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(exporter.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(exporter.getSecurityContext().getAllowPrivilegeEscalation());
        assertFalse(exporter.getResources().getRequests().isEmpty());
        assertFalse(exporter.getResources().getLimits().isEmpty());

        var servicePort = service.getSpec().getPorts().get(0);
        assertEquals("metrics", servicePort.getName());
        assertEquals(9808, servicePort.getPort());
        assertEquals("metrics", servicePort.getTargetPort().getStrVal());
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
        assertEquals("metrics", monitor.spec().endpoints().get(0).port(), "the ServiceMonitor names the port");
        assertTrue(service.getMetadata().getLabels().entrySet()
                .containsAll(monitor.spec().selector().matchLabels().entrySet()));
        assertEquals("/metrics", monitor.spec().endpoints().get(0).path());
    }

    private static int kedaServicePort() throws IOException {
        Service service = Manifests.YAML.readValue(Path.of("deploy/service.yaml").toFile(), Service.class);
        return service.getSpec().getPorts().stream().filter(p -> p.getName().equals("keda")).findFirst()
                .orElseThrow().getPort();
    }

    private static CrdModels.ScaledObject scaledObject(String file) throws IOException {
        return Manifests.STRICT.readValue(Path.of("keda", file + ".yaml").toFile(), CrdModels.ScaledObject.class);
    }

    @Test
    void everyScaledObjectReadsOneElementAndWakesOnPurpose() throws Exception {
        Pattern exporterMetric = Pattern.compile("celery_queue_[a-z_]+\\{queue_name=\"evaluation\"\\}");
        for (String file : KEDA_FILES) {
            CrdModels.ScaledObject so = scaledObject(file);
            assertEquals("dispatcher", so.spec().scaleTargetRef().name(), file);
            assertEquals("crucible", so.metadata().namespace(), file);
            for (CrdModels.Trigger trigger : so.spec().triggers()) {
                assertNotNull(trigger.name(), file + ": named, so formulas and errors can refer to it");
                if (trigger.type().equals("external") || trigger.type().equals("external-push")) {
                    // the exporter's own KEDA port: its metadata as the exporter reads it, at deploy/'s Service
                    ScalerRequest request = ScalerRequest.parse(trigger.metadata());
                    assertEquals("evaluation", request.queue(), file);
                    assertEquals("celery-queue-exporter.crucible.svc:" + kedaServicePort(),
                            trigger.metadata().get("scalerAddress"), file);
                    assertTrue(trigger.metadata().containsKey("activationTarget"), file + ": set on purpose");
                    continue;
                }
                if (!trigger.type().equals("prometheus")) {
                    assertEquals("cpu", trigger.type(), file);
                    continue;
                }
                String query = trigger.metadata().get("query");
                assertTrue(PROMETHEUS_TRIGGER_KEYS.containsAll(trigger.metadata().keySet()),
                        file + ": unknown prometheus trigger keys " + trigger.metadata().keySet());
                if (exporterMetric.matcher(query).find()) {
                    assertTrue(query.startsWith("max("), file + ": one element, exporter replicas not added");
                    // required replicas has no value with no worker online: at zero replicas that is a 0, and the
                    // backlog trigger beside it wakes the pool; every other series missing is an error
                    assertEquals(query.contains("celery_queue_required_replicas") ? "true" : "false",
                            trigger.metadata().get("ignoreNullValues"), file + ": " + query);
                }
            }
            boolean toZero = so.spec().minReplicaCount() == 0;
            if (toZero) {
                var modifiers = so.spec().advanced().scalingModifiers();
                assertTrue(modifiers != null ? modifiers.activationTarget() != null
                        : so.spec().triggers().stream().filter(t -> t.type().equals("prometheus"))
                                .allMatch(t -> t.metadata().containsKey("activationThreshold")),
                        file + ": scaling to zero, every activation threshold is set on purpose (KEDA never activates"
                                + " on CPU)");
                assertEquals(4, so.spec().fallback().replicas(), file + ": a fallback for when Prometheus is away");
            }
        }
        assertEquals(0, scaledObject("queue-length").spec().minReplicaCount());
        assertEquals(0, scaledObject("composite").spec().minReplicaCount());
        assertEquals(1, scaledObject("wait-time").spec().minReplicaCount(),
                "a Value metric cannot scale from zero pods: see the file's comment");
        assertEquals(1, scaledObject("http-latency").spec().minReplicaCount(), "an HTTP service keeps a pod");
        assertNull(scaledObject("wait-time").spec().fallback(), "KEDA's fallback is for AverageValue triggers");
        assertEquals(0, scaledObject("load").spec().minReplicaCount());
        assertEquals(0, scaledObject("push").spec().minReplicaCount(), "push is for waking from zero");
        for (String file : List.of("load", "composite")) {
            CrdModels.ScaledObject so = scaledObject(file);
            assertNull(so.spec().advanced().scalingModifiers(), file + ": each trigger its own metric, the largest wins");
            assertEquals(file.equals("load") ? List.of("required_replicas", "backlog")
                    : List.of("required_replicas", "backlog", "cpu"),
                    so.spec().triggers().stream().map(CrdModels.Trigger::name).toList(), file);
            assertEquals("0", so.spec().triggers().get(1).metadata().get("activationThreshold"),
                    file + ": any task waiting wakes the pool from zero");
        }
    }

    static final List<String> KEDA_FILES = List.of("queue-length", "wait-time", "composite", "http-latency", "load",
            "push");

    /** keda/trigger-authentication.yaml, added to a trigger as its comment says: still strict, and it fits. */
    @Test
    void theBearerTokenExampleFitsEveryScaledObject() throws Exception {
        List<Manifests.Document> auth = Manifests.documents("keda").stream()
                .filter(d -> d.file().endsWith("trigger-authentication.yaml")).toList();
        assertEquals(List.of("Secret", "TriggerAuthentication"), auth.stream().map(Manifests.Document::kind).toList());
        CrdModels.TriggerAuthentication ta = Manifests.STRICT.treeToValue(auth.get(1).node(),
                CrdModels.TriggerAuthentication.class);
        var ref = ta.spec().secretTargetRef().get(0);
        assertEquals("bearerToken", ref.parameter(), "the prometheus scaler's parameter for authModes: bearer");
        assertEquals(auth.get(0).node().at("/metadata/name").asText(), ref.name());
        assertTrue(auth.get(0).node().at("/stringData").has(ref.key()));
        for (String file : KEDA_FILES) {
            JsonNode so = Manifests.YAML.readTree(Path.of("keda", file + ".yaml").toFile());
            for (JsonNode trigger : so.at("/spec/triggers")) {
                if (trigger.get("type").asText().equals("prometheus")) {
                    ((ObjectNode) trigger.get("metadata")).put("authModes", "bearer");
                    ((ObjectNode) trigger).putObject("authenticationRef").put("name", ta.metadata().name());
                }
            }
            Manifests.Document doc = new Manifests.Document(Path.of(file), so);
            assertEquals(List.of(), Manifests.unknownFields(doc), file);
        }
    }

    @Test
    void kustomizeRenders() throws Exception {
        // never skipped: the machine image has kubectl; Debian's kubernetes-client (1.20) is too old for `labels:`
        Path kubectl = Tools.find("kubectl", "kubectl 1.21 or newer (its built-in kustomize must know `labels:`;"
                + " Debian's kubernetes-client 1.20 does not)");
        Tools.Run run = Tools.run(List.of(kubectl.toString(), "kustomize", "deploy/"));
        assertEquals(0, run.exitCode(), run.output());
        for (String kind : List.of("kind: Deployment", "kind: Service", "kind: ServiceMonitor")) {
            assertTrue(run.output().contains(kind), run.output());
        }
        assertTrue(run.output().contains("namespace: crucible"));
    }
}
