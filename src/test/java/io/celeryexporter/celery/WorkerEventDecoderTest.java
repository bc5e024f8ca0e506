package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Worker events exactly as a Celery 5.2.6 worker published them (the fixtures), and what is refused. */
class WorkerEventDecoderTest {

    private static final String HOST = "celery@dispatcher-7d9f8c6b5-x2x9q";
    private static final WorkerInfo ADVERTISED = new WorkerInfo(Set.of("evaluation"), 2, 4, false);

    @Test
    void readsEachWorkerEventARealWorkerSent() throws Exception {
        assertEquals(new WorkerEvent(WorkerEvent.Type.ONLINE, HOST, 2.0, 0, 0, WorkerInfo.UNKNOWN),
                decode("event-worker-online-pubsub.json"), "online comes before worker_ready adds x_worker_info");
        assertEquals(new WorkerEvent(WorkerEvent.Type.HEARTBEAT, HOST, 2.0, 0, 0, ADVERTISED),
                decode("event-worker-heartbeat-pubsub.json"));
        assertEquals(new WorkerEvent(WorkerEvent.Type.OFFLINE, HOST, 2.0, 0, 1, ADVERTISED),
                decode("event-worker-offline-pubsub.json"));
    }

    @Test
    void theHeartbeatCommandsEventHasNeitherActiveNorProcessed() throws Exception {
        assertEquals(new WorkerEvent(WorkerEvent.Type.HEARTBEAT, HOST, 5.0, -1, -1, ADVERTISED),
                decode("event-worker-heartbeat-command-pubsub.json"));
    }

    @Test
    void refusesMalformedEventsWithOneLineNamingWhatIsWrong() {
        record Case(String body, String message) {}
        List<Case> cases = List.of(
                new Case("[1]", "a worker event is not a JSON object"),
                new Case("{\"type\": \"worker-heartbeat\"}", "a worker-heartbeat event has no hostname"),
                new Case("{\"type\": \"worker-nap\", \"hostname\": \"h\"}", "a worker event has no known type: worker-nap"),
                new Case("{\"type\": \"worker-heartbeat\", \"hostname\": \"h\", \"active\": \"x\"}",
                        "a worker event's active is not a count"),
                new Case("{\"type\": \"worker-heartbeat\", \"hostname\": \"h\", \"active\": -1}",
                        "a worker event's active is not a count"),
                new Case("{\"type\": \"worker-heartbeat\", \"hostname\": \"h\", \"freq\": 0}",
                        "a worker-heartbeat event has freq 0.0, not a positive number"),
                new Case("{\"type\": \"worker-heartbeat\", \"hostname\": \"h\", \"x_worker_info\": {\"queues\": \"q\"}}",
                        "x_worker_info.queues is not a list"),
                new Case("{\"type\": \"worker-heartbeat\", \"hostname\": \"h\", \"x_worker_info\": {\"acks_late\": 1}}",
                        "x_worker_info.acks_late is not true or false"),
                new Case("{\"type\": \"worker-heart", "a worker event is not JSON"));
        for (Case c : cases) {
            String message = assertThrows(UndecodableMessageException.class,
                    () -> WorkerEventDecoder.decode(envelope(c.body())), c.body()).getMessage();
            assertTrue(message.startsWith(c.message()), c.body() + " -> " + message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void listensToEveryCeleryEventOfItsDatabaseAndPrefixAndToSentinelsUnfilledDatabase() {
        assertEquals(List.of("/3.celeryev/*"), patterns(KeyNaming.withPrefix(""), 3, false));
        assertEquals(List.of("p\\*x:/0.celeryev/*", "p\\*x:/{db}.celeryev/*"),
                patterns(KeyNaming.withPrefix("p*x:"), 0, true));
        assertTrue(WorkerEventDecoder.isWorkerChannel(bytes("p:/0.celeryev/worker.heartbeat")));
        assertFalse(WorkerEventDecoder.isWorkerChannel(bytes("/0.celeryev/task.multi")));
    }

    private static List<String> patterns(KeyNaming naming, int db, boolean sentinel) {
        return WorkerEventDecoder.channelPatterns(naming, db, sentinel).stream()
                .map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }

    private static WorkerEvent decode(String fixture) throws UndecodableMessageException {
        return WorkerEventDecoder.decode(Fixtures.celery(fixture));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] envelope(String body) {
        String b64 = Base64.getEncoder().encodeToString(bytes(body));
        return bytes("{\"body\": \"" + b64 + "\", \"content-encoding\": \"utf-8\", \"content-type\":"
                + " \"application/json\", \"headers\": {\"hostname\": \"h\"}, \"properties\": {\"delivery_mode\": 1,"
                + " \"delivery_info\": {\"exchange\": \"celeryev\", \"routing_key\": \"worker.heartbeat\"},"
                + " \"priority\": 0, \"body_encoding\": \"base64\"}}");
    }
}
