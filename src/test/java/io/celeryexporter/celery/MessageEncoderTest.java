package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {

    private final MessageEncoder encoder = new MessageEncoder("gen14750@vm");

    @Test
    void writesTheSameFieldsInTheSameOrderAsCelery() throws Exception {
        byte[] ours = encoder.encode(new OutgoingTask("alpha", "demo.add", "1a3b", List.of(1, 1), Map.of(), 0, null,
                Map.of()));
        assertEquals(fieldPaths(Fixtures.celery("v2-json-default.json")), fieldPaths(ours));
    }

    @Test
    void bodyIsPythonJsonOfArgsKwargsAndEmbed() throws Exception {
        byte[] ours = encoder.encode(new OutgoingTask("alpha", "demo.add", "1a3b", List.of(1, 1), Map.of(), 0, null,
                Map.of()));
        assertEquals(bodyOf(Fixtures.celery("v2-json-default.json")), bodyOf(ours));
        assertEquals("[[1, 1], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]",
                bodyOf(ours));
    }

    @Test
    void roundTripsThroughTheDecoder() throws Exception {
        byte[] ours = encoder.encode(new OutgoingTask("évaluation", "tasks.evaluate", "id-1", List.of("ünï", 3),
                Map.of(), 7, "2026-11-28T02:11:32.027069+00:00", Map.of("x_published_at", 1795831292.5)));
        TaskMessage m = new MessageDecoder(List.of("x_published_at")).decode(ours);
        assertEquals("tasks.evaluate", m.taskName());
        assertEquals("id-1", m.taskId());
        assertEquals(7, m.priority());
        assertEquals("évaluation", m.routingKey());
        assertEquals(MessageDecoderTest.epoch("2026-11-28T02:11:32.027069+00:00"), m.eta(), 1e-6);
        assertEquals(1795831292.5, m.publishedAt(), 1e-9);
    }

    private static String bodyOf(byte[] envelope) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(envelope)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("body")) {
                    p.nextToken();
                    return new String(Base64.getDecoder().decode(p.getText()), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no body");
    }

    private static List<String> fieldPaths(byte[] json) throws Exception {
        List<String> paths = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            JsonToken t;
            String pending = "";
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> {
                        pending = p.currentName();
                        paths.add(String.join(".", stack) + "/" + pending);
                    }
                    case START_OBJECT -> stack.add(pending);
                    case END_OBJECT -> stack.remove(stack.size() - 1);
                    default -> { }
                }
            }
        }
        return paths;
    }
}
