package io.celeryexporter.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * prometheus-adapter's rules, and the query each one sends to Prometheus, rendered as the adapter renders them
 * (pkg/naming/metrics_query.go): {@code <<.Series>>}, {@code <<.LabelMatchers>>} from the HPA's selector,
 * {@code <<.GroupBy>>}.
 */
record Adapter(List<JsonNode> externalRules, List<JsonNode> customRules) {

    static Adapter load(Path config) throws IOException {
        JsonNode root = Manifests.YAML.readTree(config.toFile());
        List<JsonNode> external = new ArrayList<>();
        root.path("externalRules").forEach(external::add);
        List<JsonNode> custom = new ArrayList<>();
        root.path("rules").forEach(custom::add);
        return new Adapter(external, custom);
    }

    /** The metric name a seriesQuery of the form {__name__=~"^...$"} or name{...} selects. */
    private static Pattern namesOf(JsonNode rule) {
        String seriesQuery = rule.get("seriesQuery").asText();
        Matcher regex = Pattern.compile("__name__=~\"([^\"]+)\"").matcher(seriesQuery);
        if (regex.find()) {
            return Pattern.compile(regex.group(1));
        }
        return Pattern.compile(Pattern.quote(seriesQuery.substring(0, seriesQuery.indexOf('{'))));
    }

    boolean servesExternal(String name) {
        return externalRule(name) != null;
    }

    JsonNode externalRule(String name) {
        for (JsonNode rule : externalRules) {
            if (namesOf(rule).matcher(name).matches() && !rule.has("name")) {
                return rule; // without name.as, the API name is the Prometheus name
            }
        }
        return null;
    }

    /** The custom rule whose series, renamed by name.matches/as, gives this API name; and that series' name. */
    record CustomMatch(JsonNode rule, String seriesName) {}

    CustomMatch customRuleFor(String apiName) {
        for (JsonNode rule : customRules) {
            Pattern series = namesOf(rule);
            String matches = rule.at("/name/matches").asText();
            String as = rule.at("/name/as").asText().replace("${1}", "$1");
            String candidate = series.pattern().replace("\\Q", "").replace("\\E", "");
            if (candidate.replaceAll(matches, as).equals(apiName)) {
                return new CustomMatch(rule, candidate);
            }
        }
        return null;
    }

    boolean servesPods(String name) {
        return customRuleFor(name) != null;
    }

    /** The query for an external metric: label matchers from the HPA's matchLabels ({@code label="value"}). */
    static String renderExternal(JsonNode rule, String series, Map<String, String> matchLabels) {
        List<String> matchers = new ArrayList<>();
        matchLabels.forEach((k, v) -> matchers.add(k + "=\"" + v + "\""));
        return rule.get("metricsQuery").asText()
                .replace("<<.Series>>", series)
                .replace("<<.LabelMatchers>>", String.join(",", matchers))
                .replace("<<.GroupBy>>", "");
    }

    /** The query for a Pods metric: matchers for the HPA's namespace and pods, grouped by pod. */
    static String renderPods(JsonNode rule, String series, String namespace, List<String> pods) {
        String matchers = "namespace=\"" + namespace + "\",pod=~\"" + String.join("|", pods) + "\"";
        return rule.get("metricsQuery").asText()
                .replace("<<.Series>>", series)
                .replace("<<.LabelMatchers>>", matchers)
                .replace("<<.GroupBy>>", "pod");
    }
}
