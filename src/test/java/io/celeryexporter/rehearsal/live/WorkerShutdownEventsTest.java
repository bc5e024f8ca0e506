package io.celeryexporter.rehearsal.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.broker.ChannelMessage;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.broker.Subscription;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.TaskEvent;
import io.celeryexporter.celery.TaskEventDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryPython;
import io.celeryexporter.testing.CeleryWorker;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a live rehearsal can know of a task that ends while its worker shuts down, checked on a real Celery 5.2
 * worker: after SIGTERM the worker sends no task events until its shutdown ends, so SIGKILL at the grace period drops
 * the task-succeeded of a task that ended within the grace; its pool process's INFO log line says it, and
 * {@link CeleryWorkers} reads that line.
 */
class WorkerShutdownEventsTest {

    private static final String QUEUE = "shutdown-events";

    @Test
    void aTaskEndingWithinTheGraceSendsNoEventButLogsItsSuccess() throws Exception {
        try (RedisServer server = RedisServer.start();
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
             CeleryPython celery = new CeleryPython(server.url() + "/0", Map.of())) {
            Subscription<ChannelMessage> subscription = broker.subscribeToPattern(
                    TaskEventDecoder.channelPattern(KeyNaming.withPrefix(""), 0), "task events", () -> 0);
            List<TaskEvent> events = new ArrayList<>();
            CeleryWorker worker = celery.worker(QUEUE, "celery@doomed", 2, Map.of(), "-E");
            celery.run("publish.py", "[{\"task\": \"demo.nap\", \"args\": [2], \"queue\": \"" + QUEUE + "\"},"
                    + " {\"task\": \"demo.nap\", \"args\": [60], \"queue\": \"" + QUEUE + "\"}]");
            Eventually.await(Duration.ofSeconds(60), "both tasks to start", () -> {
                collect(subscription, events);
                return of(events, TaskEvent.STARTED).size() == 2;
            });
            Set<String> started = of(events, TaskEvent.STARTED);
            worker.terminate();
            Eventually.await(Duration.ofSeconds(20), "the short task's success line", () -> !successes(worker).isEmpty());
            worker.kill(); // the grace period is over: the long task still runs
            worker.awaitExit(Duration.ofSeconds(10));
            subscription.sync(Duration.ofSeconds(2));
            collect(subscription, events);

            Set<String> succeeded = successes(worker);
            assertEquals(1, succeeded.size(), worker.log());
            assertTrue(started.containsAll(succeeded), succeeded + " among " + started);
            assertFalse(events.stream().anyMatch(TaskEvent::endsTheTask),
                    "no task event after SIGTERM, though one task succeeded: " + events);
        }
    }

    private static void collect(Subscription<ChannelMessage> subscription, List<TaskEvent> into) {
        for (ChannelMessage m : subscription.drain()) {
            try {
                into.addAll(TaskEventDecoder.decode(m.message()));
            } catch (UndecodableMessageException e) {
                throw new AssertionError("a real worker's task event: " + e.getMessage());
            }
        }
    }

    private static Set<String> of(List<TaskEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(TaskEvent::taskId).collect(Collectors.toSet());
    }

    private static Set<String> successes(CeleryWorker worker) {
        String log;
        try {
            log = worker.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log.lines().map(CeleryWorkers.SUCCEEDED::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).collect(Collectors.toSet());
    }
}
