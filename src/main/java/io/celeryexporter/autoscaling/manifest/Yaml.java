package io.celeryexporter.autoscaling.manifest;

import java.util.List;
import java.util.Map;

/**
 * The fields of the manifests the model reads, as the Kubernetes and KEDA APIs name them (autoscaling/v2
 * HorizontalPodAutoscaler; keda.sh/v1alpha1 ScaledObject, from KEDA's {@code apis/keda/v1alpha1} types). Read with
 * unknown fields refused, so a typo is an error, not a silent default.
 */
final class Yaml {

    private Yaml() {}

    record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

    record CrossVersionObjectReference(String apiVersion, String kind, String name) {}

    record Hpa(String apiVersion, String kind, Metadata metadata, HpaSpec spec) {}

    record HpaSpec(CrossVersionObjectReference scaleTargetRef, Integer minReplicas, Integer maxReplicas,
                   List<Metric> metrics, Behavior behavior) {}

    record Metric(String type, ResourceSource resource, PodsSource pods, ObjectSource object,
                  ExternalSource external, Map<String, Object> containerResource) {}

    record ResourceSource(String name, Target target) {}

    record PodsSource(Identifier metric, Target target) {}

    record ObjectSource(CrossVersionObjectReference describedObject, Identifier metric, Target target) {}

    record ExternalSource(Identifier metric, Target target) {}

    record Identifier(String name, Selector selector) {}

    record Selector(Map<String, String> matchLabels, List<Map<String, Object>> matchExpressions) {}

    record Target(String type, Integer averageUtilization, String averageValue, String value) {}

    record Behavior(Rules scaleUp, Rules scaleDown) {}

    record Rules(Integer stabilizationWindowSeconds, String selectPolicy, List<Policy> policies, String tolerance) {}

    record Policy(String type, Integer value, Integer periodSeconds) {}

    record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

    record ScaledObjectSpec(ScaleTarget scaleTargetRef, Integer pollingInterval, Integer initialCooldownPeriod,
                            Integer cooldownPeriod, Integer idleReplicaCount, Integer minReplicaCount,
                            Integer maxReplicaCount, Advanced advanced, List<Trigger> triggers, Fallback fallback) {}

    record ScaleTarget(String name, String apiVersion, String kind, String envSourceContainerName) {}

    record Advanced(HpaConfig horizontalPodAutoscalerConfig, Boolean restoreToOriginalReplicaCount,
                    ScalingModifiers scalingModifiers) {}

    record HpaConfig(String name, Behavior behavior) {}

    record ScalingModifiers(String formula, String target, String activationTarget, String metricType) {}

    record Trigger(String type, String name, String metricType, Boolean useCachedMetrics,
                   Map<String, String> metadata, Map<String, Object> authenticationRef) {}

    record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}
}
