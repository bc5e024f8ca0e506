package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The plain rule file and the PrometheusRule agree, and every alert is documented. */
class RuleFilesTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The plain rule files, in the order the PrometheusRule holds their groups. */
    static final List<Path> RULE_FILES = List.of(Path.of("alerts/celery-queue.rules.yml"),
            Path.of("alerts/celery-workers.rules.yml"), Path.of("alerts/scaling-cost.rules.yml"));

    static List<JsonNode> groups() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Path file : RULE_FILES) {
            YAML.readTree(file.toFile()).get("groups").forEach(out::add);
        }
        return out;
    }

    static List<JsonNode> allRules() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode group : groups()) {
            group.get("rules").forEach(out::add);
        }
        return out;
    }

    @Test
    void prometheusRuleHoldsTheSameGroups() throws Exception {
        JsonNode crd = YAML.readTree(Path.of("alerts/prometheus-rule.yml").toFile());
        assertEquals("monitoring.coreos.com/v1", crd.get("apiVersion").asText());
        assertEquals("PrometheusRule", crd.get("kind").asText());
        List<JsonNode> crdGroups = new ArrayList<>();
        crd.get("spec").get("groups").forEach(crdGroups::add);
        assertEquals(groups(), crdGroups, "prometheus-rule.yml is stale: run alerts/generate-prometheus-rule.sh");
    }

    @Test
    void everyAlertHasSummaryDescriptionAndARunbookSection() throws Exception {
        String runbook = Files.readString(Path.of("alerts/RUNBOOK.md"));
        int alerts = 0;
        for (JsonNode rule : allRules()) {
            if (!rule.has("alert")) {
                continue;
            }
            alerts++;
            String name = rule.get("alert").asText();
            JsonNode annotations = rule.get("annotations");
            for (String key : List.of("summary", "description", "runbook")) {
                assertTrue(annotations.has(key) && !annotations.get(key).asText().isBlank(), name + " lacks " + key);
            }
            assertEquals("alerts/RUNBOOK.md#" + name.toLowerCase(Locale.ROOT), annotations.get("runbook").asText());
            assertTrue(runbook.contains("\n## " + name + "\n"), "RUNBOOK.md has no section for " + name);
            assertTrue(rule.get("labels").has("severity"), name + " has no severity");
        }
        assertTrue(alerts >= 14, "alerts: " + alerts);
    }
}
