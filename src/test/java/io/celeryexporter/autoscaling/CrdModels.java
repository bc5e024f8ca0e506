package io.celeryexporter.autoscaling;

import com.fasterxml.jackson.annotation.JsonProperty;
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

    record PrometheusRule(String apiVersion, String kind, Metadata metadata, PrometheusRuleSpec spec) {}

    record PrometheusRuleSpec(List<RuleGroup> groups) {}

    record RuleGroup(String name, String interval, List<Rule> rules) {}

    record Rule(String record, String alert, String expr, @JsonProperty("for") String forDuration,
                @JsonProperty("keep_firing_for") String keepFiringFor, Map<String, String> labels,
                Map<String, String> annotations) {}

    record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

    record ScaledObjectSpec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
                            Integer idleReplicaCount, Integer pollingInterval, Integer cooldownPeriod,
                            Integer initialCooldownPeriod, Advanced advanced, Fallback fallback,
                            List<Trigger> triggers) {}

    /** {@code spec.advanced} (keda {@code apis/keda/v1alpha1/scaledobject_types.go AdvancedConfig}). */
    record Advanced(HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig,
                    Boolean restoreToOriginalReplicaCount, ScalingModifiers scalingModifiers) {}

    /** The behavior is the HPA's own type, checked by the HPA model. */
    record HorizontalPodAutoscalerConfig(String name, Map<String, Object> behavior) {}

    record ScalingModifiers(String formula, String target, String activationTarget, String metricType) {}

    record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}

    record AuthenticationRef(String name, String kind) {}

    record ScaleTargetRef(String name, String kind, String apiVersion, String envSourceContainerName) {}

    record Trigger(String type, String name, String metricType, Map<String, String> metadata,
                   AuthenticationRef authenticationRef, Boolean useCachedMetrics) {}

    /** keda {@code apis/keda/v1alpha1/triggerauthentication_types.go}: the ways a trigger gets its secrets. */
    record TriggerAuthentication(String apiVersion, String kind, Metadata metadata, TriggerAuthenticationSpec spec) {}

    record TriggerAuthenticationSpec(Map<String, Object> podIdentity, List<SecretTargetRef> secretTargetRef,
                                     List<EnvTargetRef> env, Map<String, Object> hashiCorpVault,
                                     Map<String, Object> azureKeyVault, Map<String, Object> awsSecretManager,
                                     List<ConfigMapTargetRef> configMapTargetRef) {}

    record SecretTargetRef(String parameter, String name, String key) {}

    record EnvTargetRef(String parameter, String name, String containerName) {}

    record ConfigMapTargetRef(String parameter, String name, String key) {}

    record Kustomization(String apiVersion, String kind, String namespace, List<LabelEntry> labels,
                         List<String> resources, Map<String, String> commonLabels, List<Map<String, Object>> patches,
                         List<Map<String, Object>> images) {}

    record LabelEntry(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {}
}
