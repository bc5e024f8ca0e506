package io.celeryexporter.celery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Base64;

/**
 * kombu's envelope around an event on the {@code celeryev} fanout, as published on Redis pub/sub: the event is the
 * {@code body}, JSON, base64-encoded. Only JSON events are read (Celery's default {@code event_serializer}).
 */
final class EventEnvelope {

    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private EventEnvelope() {}

    /** The event's JSON, out of its envelope. */
    static byte[] body(byte[] raw) throws UndecodableMessageException {
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
        return body;
    }
}
