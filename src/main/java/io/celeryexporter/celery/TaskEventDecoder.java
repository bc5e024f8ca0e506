package io.celeryexporter.celery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Celery task events from the {@code celeryev} fanout as kombu publishes them on Redis pub/sub: an envelope
 * whose {@code body} is the event, JSON, base64-encoded. Workers buffer their task events and send them together as
 * {@code task.multi}, whose body is a list of events. Only JSON events are read (Celery's default
 * {@code event_serializer}).
 */
public final class TaskEventDecoder {

    /** The routing keys of task events: {@code task.sent}, {@code task.multi}, … */
    public static final String CHANNEL_SUFFIX = "celeryev/task.*";

    private TaskEventDecoder() {}

    /** kombu's fanout channel for task events: {@code PREFIX/DB.celeryev/task.*}, as a PSUBSCRIBE pattern. */
    public static byte[] channelPattern(KeyNaming naming, int database) {
        return (naming.escapedPrefix() + "/" + database + "." + CHANNEL_SUFFIX).getBytes(StandardCharsets.UTF_8);
    }

    /** The task events in one published message, in order. */
    public static List<TaskEvent> decode(byte[] raw) throws UndecodableMessageException {
        return events(EventEnvelope.body(raw));
    }

    private static List<TaskEvent> events(byte[] body) throws UndecodableMessageException {
        List<TaskEvent> out = new ArrayList<>(1);
        try (JsonParser p = EventEnvelope.JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    add(out, p);
                }
            } else if (first == JsonToken.START_OBJECT) {
                add(out, p);
            } else {
                throw new UndecodableMessageException("an event body is neither an event nor a list of them");
            }
        } catch (IOException e) {
            throw new UndecodableMessageException("an event body is not JSON: " + e.getMessage());
        }
        return out;
    }

    /** Reads one event object, the parser on its START_OBJECT; task events with an id only. */
    private static void add(List<TaskEvent> out, JsonParser p) throws IOException {
        String type = null;
        String id = null;
        String queue = null;
        String hostname = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                p.skipChildren();
                continue;
            }
            switch (field) {
                case "type" -> type = p.getText();
                case "uuid" -> id = p.getText();
                case "queue" -> queue = p.getText();
                case "hostname" -> hostname = p.getText();
                default -> { }
            }
        }
        if (type != null && type.startsWith("task-") && id != null) {
            out.add(new TaskEvent(type, id, queue, hostname));
        }
    }
}
