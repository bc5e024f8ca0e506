package io.celeryexporter.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.Tools;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule files pass promtool (Debian's prometheus package, 2.42): syntax and the unit tests in alerts/tests. */
class PromtoolTest {

    private final Path promtool = Tools.find("promtool", "prometheus");

    @Test
    void rulesPassCheck() throws Exception {
        Tools.Run run = Tools.run(List.of(promtool.toString(), "check", "rules", "alerts/celery-queue.rules.yml"));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("SUCCESS"), run.output());
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        Tools.Run run = Tools.run(List.of(promtool.toString(), "test", "rules", "alerts/tests/celery-queue.test.yml"));
        assertEquals(0, run.exitCode(), run.output());
    }
}
