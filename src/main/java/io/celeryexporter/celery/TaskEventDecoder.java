package io.celeryexporter.celery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private TaskEventDecoder() {}

    /** kombu's fanout channel for task events: {@code PREFIX/DB.celeryev/task.*}, as a PSUBSCRIBE pattern. */
    public static byte[] channelPattern(KeyNaming naming, int database) {
        return (naming.escapedPrefix() + "/" + database + "." + CHANNEL_SUFFIX).getBytes(StandardCharsets.UTF_8);
    }

    /** The task events in one published message, in order. */
    public static List<TaskEvent> decode(byte[] raw) throws UndecodableMessageException {
        byte[] body = null;
        String contentType = null;
        try (JsonParser p = JSON.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new UndecodableMessageException("an event is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("body") && value == JsonToken.VALUE_STRING) {
                    body = Base64.getDecoder().decode(p.getText());
                } else if (field.equals("content-type") && value == JsonToken.VALUE_STRING) {
                    contentType = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UndecodableMessageException("an event is not a kombu envelope: " + e.getMessage());
        }
        if (body == null) {
            throw new UndecodableMessageException("an event has no body");
        }
        if (contentType != null && !contentType.equals("application/json")) {
            throw new UndecodableMessageException("an event is " + contentType + ", not JSON (event_serializer)");
        }
        return events(body);
    }

    private static List<TaskEvent> events(byte[] body) throws UndecodableMessageException {
        List<TaskEvent> out = new ArrayList<>(1);
        try (JsonParser p = JSON.createParser(body)) {
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
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING && (field.equals("type") || field.equals("uuid")
                    || field.equals("queue"))) {
                switch (field) {
                    case "type" -> type = p.getText();
                    case "uuid" -> id = p.getText();
                    default -> queue = p.getText();
                }
            } else {
                p.skipChildren();
            }
        }
        if (type != null && type.startsWith("task-") && id != null) {
            out.add(new TaskEvent(type, id, queue));
        }
    }
}
