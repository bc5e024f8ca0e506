package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The checks grafana/dashboard-linter makes that matter here, re-implemented (the linter is a Go program). */
class DashboardLintTest {

    static JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(Path.of("grafana/celery-queues.json").toFile());
    }

    /** Every panel that draws something (rows only group). */
    static List<JsonNode> panels() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard().get("panels")) {
            if (!p.get("type").asText().equals("row")) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void exactlyOneDatasourceVariable() throws Exception {
        int count = 0;
        for (JsonNode v : dashboard().get("templating").get("list")) {
            if (v.get("type").asText().equals("datasource")) {
                count++;
                assertEquals("datasource", v.get("name").asText());
                assertEquals("prometheus", v.get("query").asText());
            }
        }
        assertEquals(1, count);
    }

    @Test
    void queueVariableIsMultiSelectWithAll() throws Exception {
        JsonNode queue = null;
        for (JsonNode v : dashboard().get("templating").get("list")) {
            if (v.get("name").asText().equals("queue_name")) {
                queue = v;
            }
        }
        assertTrue(queue != null && queue.get("multi").asBoolean() && queue.get("includeAll").asBoolean());
    }

    @Test
    void everyPanelHasADatasourceAUnitAndADescription() throws Exception {
        assertTrue(panels().size() >= 12);
        for (JsonNode p : panels()) {
            String title = p.get("title").asText();
            assertEquals("${datasource}", p.at("/datasource/uid").asText(), title);
            assertFalse(p.at("/fieldConfig/defaults/unit").asText().isBlank(), title + " has no unit");
            assertFalse(p.path("description").asText().isBlank(), title + " has no description");
            for (JsonNode t : p.get("targets")) {
                assertEquals("${datasource}", t.at("/datasource/uid").asText(), title);
            }
        }
    }

    @Test
    void ratesUseRateInterval() throws Exception {
        Pattern range = Pattern.compile("(rate|increase|irate)\\([^\\[]*\\[([^\\]]+)\\]");
        for (JsonNode p : panels()) {
            for (JsonNode t : p.get("targets")) {
                Matcher m = range.matcher(t.get("expr").asText());
                while (m.find()) {
                    assertEquals("$__rate_interval", m.group(2), p.get("title").asText());
                }
            }
        }
    }

    @Test
    void noHardCodedDatasourceUids() throws Exception {
        List<String> uids = new ArrayList<>();
        dashboard().findParents("uid").forEach(parent -> {
            if (parent.has("type") && parent.get("type").asText().equals("prometheus")) {
                uids.add(parent.get("uid").asText());
            }
        });
        assertFalse(uids.isEmpty());
        uids.forEach(uid -> assertEquals("${datasource}", uid));
    }
}
