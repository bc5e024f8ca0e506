package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.Tools;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule files pass promtool (Debian's prometheus package, 2.42): syntax and the unit tests in alerts/tests. */
class PromtoolTest {

    private final Path promtool = Tools.find("promtool", "the Debian package prometheus");

    @ParameterizedTest
    @ValueSource(strings = {"alerts/celery-queue.rules.yml", "alerts/celery-workers.rules.yml",
        "alerts/scaling-cost.rules.yml"})
    void rulesPassCheck(String file) throws Exception {
        Tools.Run run = Tools.run(List.of(promtool.toString(), "check", "rules", file));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("SUCCESS"), run.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alerts/tests/celery-queue.test.yml", "alerts/tests/celery-workers.test.yml",
        "alerts/tests/scaling-cost.test.yml"})
    void ruleUnitTestsPass(String file) throws Exception {
        Tools.Run run = Tools.run(List.of(promtool.toString(), "test", "rules", file));
        assertEquals(0, run.exitCode(), run.output());
    }
}
