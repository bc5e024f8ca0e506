package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskEventDecoderTest {

    @Test
    void readsTheTaskSentEventCeleryPublished() throws Exception {
        List<TaskEvent> events = TaskEventDecoder.decode(Fixtures.celery("event-task-sent-pubsub.json"));
        assertEquals(List.of(new TaskEvent("task-sent", "897d7378-75f8-40b9-9ef7-a8279ecc98ab", "beta", "gen14750@vm")), events);
    }

    @Test
    void readsAWorkersBufferedTaskEventsInOrder() throws Exception {
        String body = "[{\"hostname\": \"w@h\", \"uuid\": \"a\", \"type\": \"task-received\", \"timestamp\": 1.5},"
                + " {\"uuid\": \"a\", \"type\": \"task-started\", \"args\": [1, {\"x\": [2]}]},"
                + " {\"type\": \"worker-heartbeat\"}]";
        List<TaskEvent> events = TaskEventDecoder.decode(envelope(body, "application/json"));
        assertEquals(List.of(new TaskEvent("task-received", "a", null, "w@h"), new TaskEvent("task-started", "a", null, null)),
                events);
    }

    @Test
    void readsTheWorkerThatReceivedATaskFromARealWorkersBufferedEvents() throws Exception {
        assertEquals(List.of(new TaskEvent("task-received", "3e888e8a-797c-45f2-81e2-c5e18e041e07", null,
                "celery@dispatcher-7d9f8c6b5-x2x9q")), TaskEventDecoder.decode(Fixtures.celery("event-task-multi-pubsub.json")));
    }

    @Test
    void refusesWhatIsNotAJsonEventInOneLine() {
        assertEquals("an event is not a JSON object",
                assertThrows(UndecodableMessageException.class,
                        () -> TaskEventDecoder.decode("[1]".getBytes(StandardCharsets.UTF_8))).getMessage());
        assertEquals("an event is application/x-python-serialize, not JSON (event_serializer)",
                assertThrows(UndecodableMessageException.class,
                        () -> TaskEventDecoder.decode(envelope("x", "application/x-python-serialize"))).getMessage());
        assertEquals("an event has no body", assertThrows(UndecodableMessageException.class,
                () -> TaskEventDecoder.decode("{\"headers\": {}}".getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    @Test
    void theChannelPatternIsKombusFanoutChannelWithThePrefixEscaped() {
        assertEquals("/3.celeryev/task.*",
                new String(TaskEventDecoder.channelPattern(KeyNaming.withPrefix(""), 3), StandardCharsets.UTF_8));
        assertEquals("p\\*x:/0.celeryev/task.*",
                new String(TaskEventDecoder.channelPattern(KeyNaming.withPrefix("p*x:"), 0), StandardCharsets.UTF_8));
    }

    private static byte[] envelope(String body, String contentType) {
        String b64 = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        return ("{\"body\": \"" + b64 + "\", \"content-encoding\": \"utf-8\", \"content-type\": \"" + contentType
                + "\", \"headers\": {\"hostname\": \"w@h\"}, \"properties\": {\"delivery_mode\": 1,"
                + " \"delivery_info\": {\"exchange\": \"celeryev\", \"routing_key\": \"task.multi\"},"
                + " \"priority\": 0, \"body_encoding\": \"base64\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
