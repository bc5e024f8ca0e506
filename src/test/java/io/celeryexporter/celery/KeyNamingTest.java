package io.celeryexporter.celery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyNamingTest {

    private final KeyNaming plain = KeyNaming.withPrefix("");

    @Test
    void stepZeroIsTheBareQueueAndOtherStepsAppendTheSeparatorBytes() {
        assertArrayEquals(new byte[] {'a', 'l', 'p', 'h', 'a'}, plain.listKey("alpha", 0));
        assertArrayEquals(new byte[] {'a', 'l', 'p', 'h', 'a', 0x06, 0x16, '9'}, plain.listKey("alpha", 9));
    }

    @Test
    void globalPrefixIsPlainConcatenationOnEveryKey() {
        KeyNaming prefixed = KeyNaming.withPrefix("pfx:");
        assertEquals("pfx:alpha", utf8(prefixed.listKey("alpha", 0)));
        assertEquals("pfx:unacked", utf8(prefixed.unackedKey()));
        assertEquals("pfx:_kombu.binding.*", utf8(prefixed.bindingScanPattern()));
        assertEquals(Optional.of("alpha"), prefixed.exchangeOfBindingKey(bytes("pfx:_kombu.binding.alpha")));
        assertEquals(Optional.empty(), prefixed.exchangeOfBindingKey(bytes("_kombu.binding.alpha")));
    }

    @Test
    void globCharactersInThePrefixAreEscapedForScan() {
        assertEquals("a\\*b\\?\\[x\\]:_kombu.binding.*",
                utf8(KeyNaming.withPrefix("a*b?[x]:").bindingScanPattern()));
    }

    @Test
    void parsesBindingMembersAsCeleryStoresThem() {
        // binding-set-members.txt: _kombu.binding.alpha -> alpha\x06\x16\x06\x16alpha
        Binding alpha = plain.parseBindingMember("alpha", bytes("alpha\u0006\u0016\u0006\u0016alpha")).orElseThrow();
        assertEquals(new Binding("alpha", "alpha", "", "alpha"), alpha);
        // _kombu.binding.celery.pidbox -> \x06\x16\x06\x16sampler@localhost.celery.pidbox
        Binding pidbox = plain.parseBindingMember("celery.pidbox",
                bytes("\u0006\u0016\u0006\u0016sampler@localhost.celery.pidbox")).orElseThrow();
        assertTrue(pidbox.isControlOrEvent());
        assertEquals(Optional.empty(), plain.parseBindingMember("x", bytes("no separators")));
    }

    @Test
    void unicodeQueueNamesAreUtf8Keys() {
        assertArrayEquals("очередь ✓".getBytes(StandardCharsets.UTF_8), plain.listKey("очередь ✓", 0));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
