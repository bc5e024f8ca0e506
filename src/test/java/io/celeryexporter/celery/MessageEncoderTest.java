package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /**
     * Every message shape the tests write with this encoder (through {@code CeleryRedis}), next to the message real
     * Celery 5.2.6 stored for the same task: the decoder must read the same fields from both, and where the encoder
     * claims Celery's layout, the layout must match. An encoder bug cannot then cancel out a decoder bug.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "v2-json-default.json, true",
        "v2-priority-9.json, true",
        "v2-before_task_publish-header.json, true",
        "v2-redelivered-visibility-restore.json, false", // kombu also marks delivery_info; the header suffices
        "v2-countdown-expires.json, false", // Celery adds expires and expiration; the tests' ETA tasks have none
    })
    void everyShapeTheTestsWriteReadsLikeRealCelerysMessage(String fixture, boolean sameLayout) throws Exception {
        byte[] celery = Fixtures.celery(fixture);
        MessageDecoder decoder = new MessageDecoder(List.of("x_published_at"));
        TaskMessage real = decoder.decode(celery);
        JsonNode headers = new ObjectMapper().readTree(celery).get("headers");
        Map<String, Object> extra = new LinkedHashMap<>();
        if (headers.has("x_published_at")) {
            extra.put("x_published_at", headers.get("x_published_at").asDouble());
        }
        if (headers.has("redelivered")) {
            extra.put("redelivered", headers.get("redelivered").asBoolean());
        }
        String eta = headers.get("eta").isNull() ? null : headers.get("eta").asText();
        byte[] ours = encoder.encode(new OutgoingTask(real.routingKey(), real.taskName(), real.taskId(),
                List.of(1, 1), Map.of(), real.priority(), eta, extra));
        TaskMessage mine = decoder.decode(ours);
        assertEquals(real.taskName(), mine.taskName());
        assertEquals(real.taskId(), mine.taskId());
        assertEquals(real.priority(), mine.priority());
        assertEquals(real.routingKey(), mine.routingKey());
        assertEquals(real.eta(), mine.eta(), 1e-6);
        assertEquals(real.redelivered(), mine.redelivered());
        if (!fixture.contains("expires")) { // there the publish time comes from expires - expiration
            assertEquals(real.publishedAt(), mine.publishedAt(), 1e-6);
        }
        if (sameLayout) {
            assertEquals(fieldPaths(celery), fieldPaths(ours));
        }
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
