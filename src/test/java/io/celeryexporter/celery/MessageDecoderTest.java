package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageDecoderTest {

    private final MessageDecoder decoder = new MessageDecoder(List.of("x_published_at",
            MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));

    /** Expected values are read off the fixture files with Python's json module (see the fixture listing). */
    static Stream<Arguments> fixtures() {
        return Stream.of(
                // file, protocol, task, priority, eta, redelivered, routing key
                Arguments.of("v2-json-default.json", 2, "demo.add", 0, null, false, "alpha"),
                Arguments.of("v2-priority-5.json", 2, "demo.add", 5, null, false, "alpha"),
                Arguments.of("v2-priority-9.json", 2, "demo.add", 9, null, false, "alpha"),
                Arguments.of("v2-pickle-body.json", 2, "demo.add", 0, null, false, "alpha"),
                Arguments.of("v2-zlib-compressed.json", 2, "demo.add", 0, null, false, "alpha"),
                Arguments.of("v2-send_task-shadow.json", 2, "demo.not_registered", 0, null, false, "alpha"),
                Arguments.of("v2-before_task_publish-header.json", 2, "demo.add", 0, null, false, "alpha"),
                Arguments.of("v2-countdown-expires.json", 2, "demo.add", 0, "2026-11-28T02:11:32.027069+00:00", false,
                        "alpha"),
                Arguments.of("v2-redelivered-visibility-restore.json", 2, "demo.add", 0, null, true, "gamma"),
                Arguments.of("v2-eta-restored-at-shutdown.json", 2, "demo.add", 0,
                        "2026-11-28T02:03:33.600402+00:00", true, "work"),
                Arguments.of("v1-json.json", 1, "demo.add", 0, null, false, "v1q"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesRealCeleryMessages(String file, int protocol, String task, int priority, String eta,
                                   boolean redelivered, String routingKey) throws Exception {
        TaskMessage m = decoder.decode(Fixtures.celery(file));
        assertEquals(protocol, m.protocol());
        assertEquals(task, m.taskName());
        assertEquals(priority, m.priority());
        assertEquals(eta == null ? Double.NaN : epoch(eta), m.eta(), 1e-6);
        assertEquals(redelivered, m.redelivered());
        assertEquals("", m.exchange());
        assertEquals(routingKey, m.routingKey());
    }

    @Test
    void publishTimeComesFromAConfiguredHeader() throws Exception {
        TaskMessage m = decoder.decode(Fixtures.celery("v2-before_task_publish-header.json"));
        assertEquals(1795831292.028997, m.publishedAt(), 1e-6);
    }

    @Test
    void publishTimeIsDerivedFromExpiresMinusExpiration() throws Exception {
        // expires 03:01:32.027069 - expiration 3600000 ms = 02:01:32.027069 (= eta - countdown)
        TaskMessage m = decoder.decode(Fixtures.celery("v2-countdown-expires.json"));
        assertEquals(epoch("2026-11-28T02:01:32.027069+00:00"), m.publishedAt(), 1e-6);
    }

    @Test
    void noPublishTimeWithoutHeaderOrExpiry() throws Exception {
        assertFalse(decoder.decode(Fixtures.celery("v2-json-default.json")).hasPublishedAt());
        assertFalse(new MessageDecoder(List.of()).decode(Fixtures.celery("v2-before_task_publish-header.json"))
                .hasPublishedAt());
    }

    @Test
    void decodesUnackedHashValues() throws Exception {
        UnackedEntry plain = decoder.decodeUnacked(Fixtures.celery("unacked-hash-entry.json"));
        assertEquals("", plain.exchange());
        assertEquals("gamma", plain.routingKey());
        assertFalse(plain.isScheduled());
        UnackedEntry eta = decoder.decodeUnacked(Fixtures.celery("unacked-hash-entry-eta.json"));
        assertEquals("work", eta.routingKey());
        assertTrue(eta.isScheduled());
        assertEquals(epoch("2026-11-28T02:03:33.600402+00:00"), eta.message().eta(), 1e-6);
    }

    static Stream<Arguments> undecodable() {
        byte[] real = Fixtures.celery("v2-json-default.json");
        String v1Pickle = new String(Fixtures.celery("v1-json.json"), StandardCharsets.UTF_8)
                .replace("\"content-type\": \"application/json\"",
                        "\"content-type\": \"application/x-python-serialize\"");
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("not JSON", "hello".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("truncated", Arrays.copyOf(real, real.length / 2)),
                Arguments.of("binary", new byte[] {(byte) 0x80, 0x04, (byte) 0x95, 0x00, (byte) 0xff}),
                Arguments.of("JSON array", "[1,2]".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("object without headers", "{\"body\": \"x\"}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("headers of the wrong type", "{\"headers\": 5}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("task of the wrong type", "{\"headers\": {\"task\": 5}}".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("trailing garbage", (new String(real, StandardCharsets.UTF_8) + "}")
                        .getBytes(StandardCharsets.UTF_8)),
                Arguments.of("deep nesting", ("{\"headers\": {\"x\": " + "[".repeat(10_000))
                        .getBytes(StandardCharsets.UTF_8)),
                Arguments.of("protocol v1 with a pickle body", v1Pickle.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("undecodable")
    void rejectsWhatIsNotACeleryMessageWithAReason(String name, byte[] raw) {
        UndecodableMessageException e = assertThrows(UndecodableMessageException.class, () -> decoder.decode(raw));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void aMultiMegabyteMessageStillDecodes() throws Exception {
        String real = new String(Fixtures.celery("v2-json-default.json"), StandardCharsets.UTF_8);
        String big = real.replaceFirst("\"body\": \"[^\"]*\"", "\"body\": \"" + "A".repeat(5 * 1024 * 1024) + "\"");
        assertEquals("demo.add", decoder.decode(big.getBytes(StandardCharsets.UTF_8)).taskName());
    }

    static double epoch(String iso) {
        var instant = OffsetDateTime.parse(iso).toInstant();
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }
}
