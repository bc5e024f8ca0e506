package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mixin/ is the source of the committed alerts, rules and dashboard: generating them again (with Debian's jsonnet)
 * gives the same bytes, and its configuration reaches them. promtool and the real-Prometheus checks run on the
 * committed, so generated, files.
 */
class MixinTest {

    @TempDir
    static Path out;

    private final Path jsonnet = Tools.find("jsonnet", "the Debian package jsonnet");

    @BeforeAll
    static void generate() throws Exception {
        Tools.find("jsonnet", "the Debian package jsonnet");
        Tools.Run run = Tools.run(List.of("bash", "mixin/generate.sh", out.toString()));
        assertEquals(0, run.exitCode(), run.output());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"alerts/celery-queue.rules.yml", "alerts/celery-workers.rules.yml",
        "alerts/scaling-cost.rules.yml",
        "alerts/prometheus-rule.yml", "grafana/celery-queues.json"})
    void theCommittedFileIsWhatTheMixinGenerates(String file) throws Exception {
        assertEquals(Files.readString(Path.of(file)), Files.readString(out.resolve(file)),
                file + " has drifted from mixin/: edit the mixin and run mixin/generate.sh");
    }

    @Test
    void itsConfigurationReachesTheRulesAndTheDashboard() throws Exception {
        String mixin = "(import 'mixin/mixin.libsonnet') + { _config+:: { backlogTasks: 500,"
                + " dispatcher+: { queue: 'billing', kedaHpa: 'keda-hpa-billing' }, dashboardTitle: 'Billing' } }";
        Tools.Run alerts = Tools.run(List.of(jsonnet.toString(), "-e", "(" + mixin + ").prometheusAlerts"));
        assertEquals(0, alerts.exitCode(), alerts.output());
        assertTrue(alerts.output().contains("queue_name:celery_queue_length:max > 500"), alerts.output());
        assertTrue(alerts.output().contains("More than 500 tasks"), "and its description says so");
        assertTrue(alerts.output().contains("dispatcher|keda-hpa-billing"), alerts.output());
        Tools.Run rules = Tools.run(List.of(jsonnet.toString(), "-e", "(" + mixin + ").prometheusRules"));
        assertTrue(rules.output().contains("\"queue_name\": \"billing\""), rules.output());
        Tools.Run dashboard = Tools.run(List.of(jsonnet.toString(), "-e",
                "(" + mixin + ").grafanaDashboards['celery-queues.json'].title"));
        assertEquals("\"Billing\"", dashboard.output().strip());
    }
}
