package io.celeryexporter.autoscaling;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the repository's Kubernetes manifests strictly. Kinds the fabric8 model knows are parsed into it, and any
 * field the model does not know (it lands in {@code additionalProperties}) is an error; for the CRDs we ship
 * (ServiceMonitor, ScaledObject, Kustomization), records of the fields we use, with unknown fields refused.
 */
public final class Manifests {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Manifests() {}

    /** Every YAML document under the given folders, with the file it came from. */
    public record Document(Path file, JsonNode node) {
        public String kind() {
            return node.path("kind").asText();
        }
    }

    static List<Document> documents(String... folders) throws IOException {
        List<Document> out = new ArrayList<>();
        for (String folder : folders) {
            try (Stream<Path> files = Files.list(Path.of(folder))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
                        YAML.readValues(parser, JsonNode.class).readAll().forEach(n -> out.add(new Document(file, n)));
                    }
                }
            }
        }
        return out;
    }

    static HorizontalPodAutoscaler hpa(Path file) throws IOException {
        return strict(YAML.readValue(file.toFile(), HorizontalPodAutoscaler.class), file);
    }

    /** Parses one document into its model and returns the paths of fields the model does not know. */
    public static List<String> unknownFields(Document doc) throws IOException {
        String yaml = YAML.writeValueAsString(doc.node());
        return switch (doc.kind()) {
            case "HorizontalPodAutoscaler" -> additionalProperties(YAML.readValue(yaml, HorizontalPodAutoscaler.class));
            case "Deployment" -> additionalProperties(YAML.readValue(yaml, Deployment.class));
            case "Service" -> additionalProperties(YAML.readValue(yaml, Service.class));
            case "ServiceMonitor" -> strictCrd(yaml, CrdModels.ServiceMonitor.class);
            case "ScaledObject" -> strictCrd(yaml, CrdModels.ScaledObject.class);
            case "TriggerAuthentication" -> strictCrd(yaml, CrdModels.TriggerAuthentication.class);
            case "Secret" -> additionalProperties(YAML.readValue(yaml, Secret.class));
            case "ConfigMap" -> additionalProperties(YAML.readValue(yaml, ConfigMap.class));
            case "PrometheusRule" -> strictCrd(yaml, CrdModels.PrometheusRule.class);
            case "Kustomization" -> strictCrd(yaml, CrdModels.Kustomization.class);
            default -> List.of("unknown kind " + doc.kind());
        };
    }

    private static List<String> strictCrd(String yaml, Class<?> model) {
        try {
            STRICT.readValue(yaml, model);
            return List.of();
        } catch (IOException e) {
            return List.of(e.getMessage().lines().findFirst().orElse(e.toString()));
        }
    }

    private static <T extends KubernetesResource> T strict(T resource, Path file) {
        List<String> unknown = additionalProperties(resource);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(file + ": unknown fields " + unknown);
        }
        return resource;
    }

    /** Walks the model's getters and reports every non-empty {@code additionalProperties}, with its path. */
    static List<String> additionalProperties(Object root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object node, String path, List<String> out, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8")) {
            return;
        }
        for (Method method : node.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String field = Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
            if (field.equals("additionalProperties") && value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                extra.keySet().forEach(k -> out.add(path + "." + k));
            } else if (!field.equals("additionalProperties")) {
                walk(value, path + "." + field, out, seen);
            }
        }
    }
}
