package io.celeryexporter.autoscaling.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.HpaAutoscaler;
import io.celeryexporter.autoscaling.HpaSpec;
import io.celeryexporter.autoscaling.MetricSource;
import io.celeryexporter.autoscaling.MetricSpec;
import io.celeryexporter.autoscaling.ReplicaCalculator;
import io.celeryexporter.autoscaling.ScalingPolicy;
import io.celeryexporter.autoscaling.ScalingRules;
import io.celeryexporter.autoscaling.keda.Formula;
import io.celeryexporter.autoscaling.keda.KedaAutoscaler;
import io.celeryexporter.autoscaling.keda.ScalerMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the very file a user applies, an autoscaling/v2 HorizontalPodAutoscaler or a KEDA ScaledObject, into the
 * controller model, with the API server's defaults filled in. Unknown or unsupported fields are errors.
 */
public final class AutoscalerFiles {

    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** The exporter series a trigger's PromQL reads. */
    private static final Pattern EXPORTER_SERIES = Pattern.compile("celery_queue_[a-z_]+");

    private AutoscalerFiles() {}

    public static Autoscaler read(Path file, double syncPeriod, ReplicaCalculator.Settings settings)
            throws ManifestException {
        JsonNode node;
        try {
            node = STRICT.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ManifestException(file, "", "cannot read it: " + firstLine(e));
        }
        if (node == null || !node.isObject()) {
            throw new ManifestException(file, "", "not a Kubernetes manifest");
        }
        String kind = node.path("kind").asText();
        return switch (kind) {
            case "HorizontalPodAutoscaler" -> new HpaAutoscaler(hpa(file, parse(file, node, Yaml.Hpa.class)),
                    syncPeriod, settings);
            case "ScaledObject" -> new KedaAutoscaler(scaledObject(file, parse(file, node, Yaml.ScaledObject.class)),
                    syncPeriod, settings);
            default -> throw new ManifestException(file, "kind",
                    "'" + kind + "' is not an autoscaler this model knows (HorizontalPodAutoscaler, ScaledObject)");
        };
    }

    private static <T> T parse(Path file, JsonNode node, Class<T> type) throws ManifestException {
        try {
            return STRICT.treeToValue(node, type);
        } catch (JsonMappingException e) {
            throw new ManifestException(file, path(e), e.getOriginalMessage().startsWith("Unrecognized field")
                    ? "unknown field" : firstLine(e));
        } catch (IOException e) {
            throw new ManifestException(file, "", firstLine(e));
        }
    }

    static HpaSpec hpa(Path file, Yaml.Hpa hpa) throws ManifestException {
        if (!"autoscaling/v2".equals(hpa.apiVersion())) {
            throw new ManifestException(file, "apiVersion", "'" + hpa.apiVersion() + "': use autoscaling/v2");
        }
        Yaml.HpaSpec spec = require(file, "spec", hpa.spec());
        int max = require(file, "spec.maxReplicas", spec.maxReplicas());
        int min = spec.minReplicas() == null ? 1 : spec.minReplicas();
        if (min > max) {
            throw new ManifestException(file, "spec.minReplicas", min + " is above maxReplicas " + max);
        }
        List<MetricSpec> metrics = new ArrayList<>();
        List<Yaml.Metric> raw = spec.metrics() == null ? List.of() : spec.metrics();
        for (int i = 0; i < raw.size(); i++) {
            metrics.add(metric(file, "spec.metrics[" + i + "]", raw.get(i)));
        }
        if (metrics.isEmpty()) {
            throw new ManifestException(file, "spec.metrics", "no metrics: this model does not default to CPU");
        }
        return new HpaSpec(name(hpa.metadata()), min, max, metrics, behavior(file, "spec.behavior", spec.behavior()));
    }

    private static MetricSpec metric(Path file, String at, Yaml.Metric m) throws ManifestException {
        String type = require(file, at + ".type", m.type());
        return switch (type) {
            case "Resource" -> {
                Yaml.ResourceSource r = require(file, at + ".resource", m.resource());
                String name = require(file, at + ".resource.name", r.name());
                if (!name.equals("cpu") && !name.equals("memory")) {
                    throw new ManifestException(file, at + ".resource.name", "'" + name + "': cpu or memory");
                }
                yield new MetricSpec(MetricSpec.Source.RESOURCE, name, name,
                        target(file, at + ".resource.target", r.target(), true));
            }
            case "Pods" -> {
                Yaml.PodsSource p = require(file, at + ".pods", m.pods());
                String name = require(file, at + ".pods.metric.name", p.metric() == null ? null : p.metric().name());
                yield new MetricSpec(MetricSpec.Source.PODS, name, name,
                        target(file, at + ".pods.target", p.target(), false));
            }
            case "Object" -> {
                Yaml.ObjectSource o = require(file, at + ".object", m.object());
                String name = require(file, at + ".object.metric.name", o.metric() == null ? null : o.metric().name());
                yield new MetricSpec(MetricSpec.Source.OBJECT, name, name,
                        target(file, at + ".object.target", o.target(), false));
            }
            case "External" -> {
                Yaml.ExternalSource x = require(file, at + ".external", m.external());
                String name = require(file, at + ".external.metric.name",
                        x.metric() == null ? null : x.metric().name());
                yield new MetricSpec(MetricSpec.Source.EXTERNAL, name, name,
                        target(file, at + ".external.target", x.target(), false));
            }
            default -> throw new ManifestException(file, at + ".type",
                    "'" + type + "' is not modelled (Resource, Pods, Object, External)");
        };
    }

    private static MetricSpec.Target target(Path file, String at, Yaml.Target t, boolean resource)
            throws ManifestException {
        require(file, at, t);
        String type = require(file, at + ".type", t.type());
        return switch (type) {
            case "Utilization" -> {
                if (!resource) {
                    throw new ManifestException(file, at + ".type", "Utilization is for Resource metrics only");
                }
                yield new MetricSpec.Target(MetricSpec.TargetType.UTILIZATION,
                        require(file, at + ".averageUtilization", t.averageUtilization()));
            }
            case "AverageValue" -> new MetricSpec.Target(MetricSpec.TargetType.AVERAGE_VALUE,
                    quantity(file, at + ".averageValue", require(file, at + ".averageValue", t.averageValue())));
            case "Value" -> {
                if (resource) {
                    throw new ManifestException(file, at + ".type", "Resource metrics take Utilization or"
                            + " AverageValue");
                }
                yield new MetricSpec.Target(MetricSpec.TargetType.VALUE,
                        quantity(file, at + ".value", require(file, at + ".value", t.value())));
            }
            default -> throw new ManifestException(file, at + ".type",
                    "'" + type + "': Utilization, AverageValue or Value");
        };
    }

    /** Fills a partly written behavior field by field, as the API server and the controller do. */
    static HpaSpec.Behavior behavior(Path file, String at, Yaml.Behavior b) throws ManifestException {
        if (b == null) {
            return null;
        }
        return new HpaSpec.Behavior(rules(file, at + ".scaleUp", b.scaleUp(), ScalingRules.DEFAULT_SCALE_UP),
                rules(file, at + ".scaleDown", b.scaleDown(), ScalingRules.DEFAULT_SCALE_DOWN));
    }

    private static ScalingRules rules(Path file, String at, Yaml.Rules r, ScalingRules defaults)
            throws ManifestException {
        if (r == null) {
            return defaults;
        }
        int window = r.stabilizationWindowSeconds() == null ? defaults.stabilizationWindowSeconds()
                : r.stabilizationWindowSeconds();
        if (window < 0 || window > 3600) {
            throw new ManifestException(file, at + ".stabilizationWindowSeconds", window + " is outside 0..3600");
        }
        ScalingRules.SelectPolicy select = defaults.selectPolicy();
        if (r.selectPolicy() != null) {
            select = switch (r.selectPolicy()) {
                case "Max" -> ScalingRules.SelectPolicy.MAX;
                case "Min" -> ScalingRules.SelectPolicy.MIN;
                case "Disabled" -> ScalingRules.SelectPolicy.DISABLED;
                default -> throw new ManifestException(file, at + ".selectPolicy",
                        "'" + r.selectPolicy() + "': Max, Min or Disabled");
            };
        }
        List<ScalingPolicy> policies = defaults.policies();
        if (r.policies() != null && !r.policies().isEmpty()) {
            policies = new ArrayList<>();
            for (int i = 0; i < r.policies().size(); i++) {
                policies.add(policy(file, at + ".policies[" + i + "]", r.policies().get(i)));
            }
        }
        double tolerance = r.tolerance() == null ? defaults.tolerance() : quantity(file, at + ".tolerance",
                r.tolerance());
        return new ScalingRules(window, select, policies, tolerance);
    }

    private static ScalingPolicy policy(Path file, String at, Yaml.Policy p) throws ManifestException {
        String type = require(file, at + ".type", p.type());
        int value = require(file, at + ".value", p.value());
        int period = require(file, at + ".periodSeconds", p.periodSeconds());
        if (value <= 0) {
            throw new ManifestException(file, at + ".value", "must be above 0");
        }
        if (period < 1 || period > 1800) {
            throw new ManifestException(file, at + ".periodSeconds", period + " is outside 1..1800");
        }
        return switch (type) {
            case "Pods" -> new ScalingPolicy(ScalingPolicy.Type.PODS, value, period);
            case "Percent" -> new ScalingPolicy(ScalingPolicy.Type.PERCENT, value, period);
            default -> throw new ManifestException(file, at + ".type", "'" + type + "': Pods or Percent");
        };
    }

    static KedaAutoscaler.Spec scaledObject(Path file, Yaml.ScaledObject so) throws ManifestException {
        if (!"keda.sh/v1alpha1".equals(so.apiVersion())) {
            throw new ManifestException(file, "apiVersion", "'" + so.apiVersion() + "': use keda.sh/v1alpha1");
        }
        Yaml.ScaledObjectSpec spec = require(file, "spec", so.spec());
        List<Yaml.Trigger> raw = spec.triggers() == null ? List.of() : spec.triggers();
        if (raw.isEmpty()) {
            throw new ManifestException(file, "spec.triggers", "at least one trigger is needed");
        }
        List<KedaAutoscaler.Trigger> triggers = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            triggers.add(trigger(file, "spec.triggers[" + i + "]", raw.get(i), i));
        }
        int min = spec.minReplicaCount() == null ? 0 : spec.minReplicaCount();
        int max = spec.maxReplicaCount() == null ? 100 : spec.maxReplicaCount();
        if (min > max) {
            throw new ManifestException(file, "spec.minReplicaCount", min + " is above maxReplicaCount " + max);
        }
        Yaml.Advanced advanced = spec.advanced();
        HpaSpec.Behavior behavior = advanced == null || advanced.horizontalPodAutoscalerConfig() == null ? null
                : behavior(file, "spec.advanced.horizontalPodAutoscalerConfig.behavior",
                        advanced.horizontalPodAutoscalerConfig().behavior());
        KedaAutoscaler.Modifiers modifiers = advanced == null || advanced.scalingModifiers() == null ? null
                : modifiers(file, "spec.advanced.scalingModifiers", advanced.scalingModifiers(), triggers);
        KedaAutoscaler.Fallback fallback = null;
        if (spec.fallback() != null) {
            fallback = new KedaAutoscaler.Fallback(
                    require(file, "spec.fallback.failureThreshold", spec.fallback().failureThreshold()),
                    require(file, "spec.fallback.replicas", spec.fallback().replicas()));
            for (int i = 0; i < triggers.size(); i++) {
                MetricSpec m = triggers.get(i).metric();
                if (m.source() == MetricSpec.Source.EXTERNAL && modifiers == null
                        && m.target().type() != MetricSpec.TargetType.AVERAGE_VALUE) {
                    throw new ManifestException(file, "spec.triggers[" + i + "].metricType",
                            "fallback is modelled for AverageValue triggers only");
                }
            }
        }
        return new KedaAutoscaler.Spec(name(so.metadata()), triggers, min, max, spec.idleReplicaCount(),
                spec.pollingInterval() == null ? 30 : spec.pollingInterval(),
                spec.cooldownPeriod() == null ? 300 : spec.cooldownPeriod(), behavior, modifiers, fallback);
    }

    private static KedaAutoscaler.Trigger trigger(Path file, String at, Yaml.Trigger t, int index)
            throws ManifestException {
        String type = require(file, at + ".type", t.type());
        String name = t.name() == null ? "s" + index + "-" + type : t.name();
        var metadata = t.metadata() == null ? java.util.Map.<String, String>of() : t.metadata();
        return switch (type) {
            case "prometheus" -> {
                String query = require(file, at + ".metadata.query", metadata.get("query"));
                Matcher series = EXPORTER_SERIES.matcher(query);
                double threshold = quantity(file, at + ".metadata.threshold",
                        require(file, at + ".metadata.threshold", metadata.get("threshold")));
                double activation = metadata.containsKey("activationThreshold")
                        ? quantity(file, at + ".metadata.activationThreshold", metadata.get("activationThreshold"))
                        : 0;
                MetricSpec.TargetType targetType = metricType(file, at + ".metricType", t.metricType());
                String ignoreNull = metadata.getOrDefault("ignoreNullValues", "true"); // KEDA's default
                if (!ignoreNull.equals("true") && !ignoreNull.equals("false")) {
                    throw new ManifestException(file, at + ".metadata.ignoreNullValues",
                            "\"true\" or \"false\", not \"" + ignoreNull + "\"");
                }
                yield new KedaAutoscaler.Trigger(new MetricSpec(MetricSpec.Source.EXTERNAL, name,
                        series.find() ? series.group() : null, new MetricSpec.Target(targetType, threshold)),
                        activation, ignoreNull.equals("true"));
            }
            case "cpu", "memory" -> {
                String value = require(file, at + ".metadata.value", metadata.get("value"));
                String metricType = t.metricType() == null ? metadata.getOrDefault("type", "Utilization")
                        : t.metricType();
                MetricSpec.TargetType targetType = switch (metricType) {
                    case "Utilization" -> MetricSpec.TargetType.UTILIZATION;
                    case "AverageValue" -> MetricSpec.TargetType.AVERAGE_VALUE;
                    default -> throw new ManifestException(file, at + ".metricType",
                            "'" + metricType + "': Utilization or AverageValue");
                };
                yield new KedaAutoscaler.Trigger(new MetricSpec(MetricSpec.Source.RESOURCE, type, type,
                        new MetricSpec.Target(targetType, quantity(file, at + ".metadata.value", value))), 0);
            }
            case "external", "external-push" -> scalerTrigger(file, at, t, name, metadata, type.equals("external-push"));
            default -> throw new ManifestException(file, at + ".type",
                    "'" + type + "' triggers are not modelled (prometheus, external, external-push, cpu, memory)");
        };
    }

    /**
     * An {@code external} or {@code external-push} trigger pointed at the exporter's KEDA port
     * ({@code --keda.listen-address}): its metadata as the exporter reads it (queue, metric, target,
     * activationTarget), its value read from the exporter without Prometheus' scrape.
     */
    private static KedaAutoscaler.Trigger scalerTrigger(Path file, String at, Yaml.Trigger t, String name,
                                                        java.util.Map<String, String> metadata, boolean push)
            throws ManifestException {
        require(file, at + ".metadata.scalerAddress", metadata.get("scalerAddress"));
        require(file, at + ".metadata.queue", metadata.get("queue"));
        ScalerMetric metric;
        try {
            metric = ScalerMetric.of(metadata.getOrDefault("metric", ScalerMetric.BACKLOG.key()));
        } catch (IllegalArgumentException e) {
            throw new ManifestException(file, at + ".metadata.metric", e.getMessage());
        }
        double target = metadata.containsKey("target")
                ? quantity(file, at + ".metadata.target", metadata.get("target")) : metric.defaultTarget();
        double activation = metadata.containsKey("activationTarget")
                ? quantity(file, at + ".metadata.activationTarget", metadata.get("activationTarget")) : 0;
        MetricSpec.TargetType targetType = metricType(file, at + ".metricType", t.metricType());
        return new KedaAutoscaler.Trigger(new MetricSpec(MetricSpec.Source.EXTERNAL, name, metric.series(),
                new MetricSpec.Target(targetType, target)), activation, false, MetricSource.Path.EXPORTER, push);
    }

    private static KedaAutoscaler.Modifiers modifiers(Path file, String at, Yaml.ScalingModifiers m,
                                                      List<KedaAutoscaler.Trigger> triggers)
            throws ManifestException {
        Formula formula;
        try {
            formula = Formula.parse(require(file, at + ".formula", m.formula()));
        } catch (IllegalArgumentException e) {
            throw new ManifestException(file, at + ".formula", e.getMessage());
        }
        List<String> names = triggers.stream().map(t -> t.metric().name()).toList();
        for (String name : formula.names()) {
            if (!names.contains(name)) {
                throw new ManifestException(file, at + ".formula", "'" + name + "' names no trigger");
            }
        }
        double target = quantity(file, at + ".target", require(file, at + ".target", m.target()));
        double activation = m.activationTarget() == null ? 0 : quantity(file, at + ".activationTarget",
                m.activationTarget());
        return new KedaAutoscaler.Modifiers(formula, target, activation, metricType(file, at + ".metricType",
                m.metricType()));
    }

    private static MetricSpec.TargetType metricType(Path file, String at, String type) throws ManifestException {
        if (type == null || type.equals("AverageValue")) {
            return MetricSpec.TargetType.AVERAGE_VALUE;
        }
        if (type.equals("Value")) {
            return MetricSpec.TargetType.VALUE;
        }
        throw new ManifestException(file, at, "'" + type + "': AverageValue or Value");
    }

    /** A Kubernetes quantity: a decimal with an optional m, k, M, G, Ki, Mi or Gi suffix. */
    static double quantity(Path file, String at, String text) throws ManifestException {
        Matcher m = Pattern.compile("([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(m|k|M|G|Ki|Mi|Gi)?").matcher(text.trim());
        if (!m.matches()) {
            throw new ManifestException(file, at, "'" + text + "' is not a quantity");
        }
        double value = Double.parseDouble(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        return value * switch (suffix) {
            case "m" -> 1e-3;
            case "k" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "Ki" -> 1024.0;
            case "Mi" -> 1024.0 * 1024;
            case "Gi" -> 1024.0 * 1024 * 1024;
            default -> 1.0;
        };
    }

    private static <T> T require(Path file, String at, T value) throws ManifestException {
        if (value == null) {
            throw new ManifestException(file, at, "missing");
        }
        return value;
    }

    private static String name(Yaml.Metadata metadata) {
        return metadata == null || metadata.name() == null ? "unnamed" : metadata.name();
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        return out.toString();
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
