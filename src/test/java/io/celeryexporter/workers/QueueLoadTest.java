package io.celeryexporter.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.celeryexporter.celery.WorkerInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueLoadTest {

    private static LiveWorker worker(String host, Set<String> queues, Integer slots, long executing,
                                     boolean stopping) {
        return new LiveWorker(host, "d", new WorkerInfo(queues, slots, 4, false), executing, Double.NaN, stopping);
    }

    private static WorkersView view(LiveWorker... workers) {
        return new WorkersView(List.of(), List.of(workers), true, true);
    }

    @Test
    void executingPlusBacklogOverTheSlotsOfTheQueuesOwnWorkers() {
        WorkersView workers = view(worker("a", Set.of("evaluation"), 4, 3, false),
                worker("b", Set.of("evaluation", "reports"), 4, 4, false),
                worker("c", Set.of("reports"), 8, 8, false),
                worker("d", Set.of("evaluation"), 4, 1, true));
        assertEquals((3 + 4 + 5) / 8.0, QueueLoad.of("evaluation", 5, workers), 1e-12,
                "c consumes another queue; d went offline");
        assertEquals(0.0, QueueLoad.of("evaluation", 0, view(worker("a", Set.of("evaluation"), 4, 0, false))),
                "idle workers: 0, a value, not a gap");
    }

    @Test
    void absentRatherThanWrong() {
        assertNull(QueueLoad.of("evaluation", 5, view()), "no worker: nothing to divide by");
        assertNull(QueueLoad.of("evaluation", 5, view(worker("a", Set.of("reports"), 4, 0, false))),
                "no worker of this queue");
        assertNull(QueueLoad.of("evaluation", 5, view(worker("a", Set.of("evaluation"), 4, 0, false),
                worker("x", null, 4, 4, false))), "a worker whose queues are unknown may serve this one");
        assertNull(QueueLoad.of("evaluation", 5, view(worker("a", Set.of("evaluation"), null, 0, false))),
                "slots unknown");
        assertNull(QueueLoad.of("evaluation", 5, new WorkersView(List.of(),
                List.of(worker("a", Set.of("evaluation"), 4, 0, false)), true, false)), "not listened long enough");
    }
}
