package io.celeryexporter.autoscaling;

import java.util.List;
import java.util.Map;

/**
 * The fields of the custom resources we ship, as their CRDs define them (Prometheus Operator v1 ServiceMonitor,
 * KEDA v1alpha1 ScaledObject, kustomize Kustomization). Read with unknown fields refused, a typo fails.
 */
final class CrdModels {

    private CrdModels() {}

    record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

    record LabelSelector(Map<String, String> matchLabels, List<Map<String, Object>> matchExpressions) {}

    record ServiceMonitor(String apiVersion, String kind, Metadata metadata, ServiceMonitorSpec spec) {}

    record ServiceMonitorSpec(LabelSelector selector, Map<String, Object> namespaceSelector,
                              List<Endpoint> endpoints, String jobLabel, List<String> targetLabels) {}

    record Endpoint(String port, String path, String scheme, String interval, String scrapeTimeout,
                    Boolean honorLabels, List<Map<String, Object>> relabelings,
                    List<Map<String, Object>> metricRelabelings, Map<String, Object> tlsConfig,
                    Map<String, Object> basicAuth) {}

    record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

    record ScaledObjectSpec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                            Integer idleReplicaCount, Integer pollingInterval, Integer cooldownPeriod,
                            Integer initialCooldownPeriod, Map<String, Object> advanced,
                            Map<String, Object> fallback, List<Trigger> triggers) {}

    record ScaleTargetRef(String name, String kind, String apiVersion, String envSourceContainerName) {}

    record Trigger(String type, String name, String metricType, Map<String, String> metadata,
                   Map<String, Object> authenticationRef, Boolean useCachedMetrics) {}

    record Kustomization(String apiVersion, String kind, String namespace, List<LabelEntry> labels,
                         List<String> resources, Map<String, String> commonLabels, List<Map<String, Object>> patches,
                         List<Map<String, Object>> images) {}

    record LabelEntry(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}
}
