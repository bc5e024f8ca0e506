package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.celeryexporter.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for the decoder: whatever the bytes, it returns a message or throws
 * {@link UndecodableMessageException}, never anything else, so the poller can count and skip.
 */
class MessageDecoderFuzzTest {

    private static final List<String> FIXTURES = List.of("v2-json-default.json", "v2-priority-9.json",
            "v2-pickle-body.json", "v2-countdown-expires.json", "v2-zlib-compressed.json", "v2-send_task-shadow.json",
            "v2-before_task_publish-header.json", "v1-json.json", "v2-redelivered-visibility-restore.json",
            "v2-eta-restored-at-shutdown.json");
    private static final MessageDecoder DECODER = new MessageDecoder(List.of("x_published_at",
            MessageDecoder.SENTRY_ENQUEUED_TIME_HEADER));

    /** Decodes as a message and as an unacked entry; returns how many attempts were refused. */
    private static int survive(byte[] raw) {
        int refused = 0;
        try {
            assertNotNull(DECODER.decode(raw));
        } catch (UndecodableMessageException expected) {
            refused++;
        }
        try {
            assertNotNull(DECODER.decodeUnacked(raw));
        } catch (UndecodableMessageException expected) {
            refused++;
        }
        return refused;
    }

    @Test
    void randomBytes() {
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = new byte[random.nextInt(300)];
            random.nextBytes(raw);
            survive(raw);
        }
    }

    @Test
    void everyTruncationOfEveryFixture() {
        for (String name : FIXTURES) {
            byte[] full = Fixtures.celery(name);
            for (int length = 0; length < full.length; length++) {
                assertEquals(2, survive(Arrays.copyOf(full, length)), name + " cut at " + length);
            }
        }
    }

    @Test
    void randomByteFlipsInRealMessages() {
        Random random = new Random(2);
        for (String name : FIXTURES) {
            byte[] full = Fixtures.celery(name);
            for (int i = 0; i < 2_000; i++) {
                byte[] raw = full.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    raw[random.nextInt(raw.length)] = (byte) random.nextInt(256);
                }
                survive(raw);
            }
        }
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "{\"headers\": {\"task\": \"t\", \"x\": " + "[".repeat(100_000) + "]".repeat(100_000)
                + "}, \"properties\": {}}";
        assertEquals(2, survive(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void invalidUtf8() {
        String real = new String(Fixtures.celery("v2-json-default.json"), StandardCharsets.UTF_8);
        byte[] raw = real.getBytes(StandardCharsets.UTF_8);
        int at = real.indexOf("demo.add");
        raw[at] = (byte) 0xC3; // a lead byte followed by ASCII: invalid UTF-8 inside the task name
        raw[at + 1] = (byte) 0x28;
        UndecodableMessageException e = assertThrows(UndecodableMessageException.class, () -> DECODER.decode(raw),
                "a task name that is not UTF-8 is refused, not turned into a different name");
        assertEquals("not valid JSON: JsonParseException", e.getMessage());
        assertEquals(2, survive(raw), "refused as a message and as an unacked entry");
        assertEquals(2, survive(new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'}),
                "invalid bytes in a key");
        // valid multi-byte UTF-8 is fine, and comes back as written
        String accented = real.replace("demo.add", "démo.ajouté");
        assertEquals("démo.ajouté", assertDoesNotThrow(() -> DECODER.decode(accented.getBytes(StandardCharsets.UTF_8)))
                .taskName());
    }

    @Test
    void hugeValuesDecode() throws Exception {
        String real = new String(Fixtures.celery("v2-json-default.json"), StandardCharsets.UTF_8);
        String hugeName = real.replace("\"task\": \"demo.add\"", "\"task\": \"" + "t".repeat(1024 * 1024) + "\"");
        assertEquals(1024 * 1024, DECODER.decode(hugeName.getBytes(StandardCharsets.UTF_8)).taskName().length());
        String tenMegabytes = real.replaceFirst("\"body\": \"[^\"]*\"",
                "\"body\": \"" + "A".repeat(10 * 1024 * 1024) + "\"");
        assertEquals("demo.add", DECODER.decode(tenMegabytes.getBytes(StandardCharsets.UTF_8)).taskName());
        String hugeHeader = real.replace("\"lang\": \"py\"", "\"lang\": \"" + "x".repeat(5 * 1024 * 1024) + "\"");
        assertEquals("demo.add", DECODER.decode(hugeHeader.getBytes(StandardCharsets.UTF_8)).taskName());
    }

    @Test
    void wrongTypesInEveryField() {
        List<String> replacements = List.of("1", "-2.5e300", "\"s\"", "[]", "[1, {\"a\": null}]", "{}",
                "{\"task\": 3}", "null", "true");
        Pattern value = Pattern.compile("(\"[^\"]+\": )(\"[^\"]*\"|-?\\d+(?:\\.\\d+)?|null|true|false|\\[[^\\[\\]]*\\])");
        int cases = 0;
        for (String name : FIXTURES) {
            String real = new String(Fixtures.celery(name), StandardCharsets.UTF_8);
            List<int[]> spans = new ArrayList<>();
            Matcher m = value.matcher(real);
            while (m.find()) {
                spans.add(new int[] {m.start(2), m.end(2)});
            }
            for (int[] span : spans) {
                for (String replacement : replacements) {
                    String mutated = real.substring(0, span[0]) + replacement + real.substring(span[1]);
                    survive(mutated.getBytes(StandardCharsets.UTF_8));
                    cases++;
                }
            }
            // whole objects of the wrong type
            for (String field : List.of("headers", "properties", "delivery_info")) {
                survive(real.replace("\"" + field + "\": {", "\"" + field + "\": [{").getBytes(StandardCharsets.UTF_8));
                survive(real.replace("\"" + field + "\": {", "\"" + field + "\": 7, \"x\": {")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals(true, cases > 1000, "cases: " + cases);
    }
}
