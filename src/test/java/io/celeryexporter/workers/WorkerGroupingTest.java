package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WorkerGroupingTest {

    @Test
    void theDefaultNamesAPodsWorkloadNotThePod() {
        Map<String, String> cases = Map.of(
                "celery@dispatcher-7d9f8c6b5-x2x9q", "dispatcher",
                "celery@code-eval-dispatcher-5f6b7c8d9b-qwzx2", "code-eval-dispatcher",
                "celery@reports-x2x9q", "reports",
                "celery@ingest-12", "ingest",
                "worker1@vm", "vm",
                "celery@my-queue-worker", "my-queue-worker",
                "celery@worker-queue1", "worker-queue1",
                "bare-host", "bare-host");
        cases.forEach((host, group) -> assertEquals(group, WorkerGrouping.DEFAULT.groupOf(host), host));
    }

    @Test
    void aPatternsFirstGroupNamesTheGroupAndANameItMissesIsOther() {
        WorkerGrouping byNodeName = new WorkerGrouping(Pattern.compile("([^@]+)@.*"), Map.of());
        assertEquals("evaluator", byNodeName.groupOf("evaluator@pod-abc"));
        assertEquals(WorkerGrouping.OTHER, byNodeName.groupOf("no-at-sign"));
        assertEquals("whole", new WorkerGrouping(Pattern.compile("whole"), Map.of()).groupOf("whole"));
    }
}
