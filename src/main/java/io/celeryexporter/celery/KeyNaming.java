package io.celeryexporter.celery;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Every Redis key name kombu's Redis transport uses, in one place.
 *
 * <p>Keys are bytes: the priority separator is {@code 0x06 0x16} and queue names may be any UTF-8. The global key
 * prefix ({@code global_keyprefix}) is plain concatenation and applies to every key, but not to the queue names
 * inside binding members.
 */
public record KeyNaming(String prefix, String separator) {

    public static final String DEFAULT_SEPARATOR = "\u0006\u0016";
    private static final String BINDING_PREFIX = "_kombu.binding.";

    public static KeyNaming withPrefix(String prefix) {
        return new KeyNaming(prefix, DEFAULT_SEPARATOR);
    }

    /** The list holding a queue's messages of one priority step: the bare queue for step 0. */
    public byte[] listKey(String queue, int step) {
        String name = step == 0 ? queue : queue + separator + step;
        return bytes(prefix + name);
    }

    /** The prefix, its glob characters escaped, to start a {@code SCAN MATCH} or {@code PSUBSCRIBE} pattern with. */
    public String escapedPrefix() {
        return escapeGlob(prefix);
    }

    /** A glob matching every key under the prefix, with glob characters in the prefix escaped. */
    public byte[] keyPattern() {
        return bytes(escapeGlob(prefix) + "*");
    }

    public byte[] unackedKey() {
        return bytes(prefix + "unacked");
    }

    /** The sorted set of unacked delivery tags, scored by when a worker received each (epoch seconds). */
    public byte[] unackedIndexKey() {
        return bytes(prefix + "unacked_index");
    }

    /** A {@code SCAN MATCH} pattern for every binding set, with glob characters in the prefix escaped. */
    public byte[] bindingScanPattern() {
        return bytes(escapeGlob(prefix + BINDING_PREFIX) + "*");
    }

    /** The exchange a binding-set key belongs to, or empty when the key is not a binding set. */
    public Optional<String> exchangeOfBindingKey(byte[] key) {
        String name = new String(key, StandardCharsets.UTF_8);
        String expected = prefix + BINDING_PREFIX;
        return name.startsWith(expected) ? Optional.of(name.substring(expected.length())) : Optional.empty();
    }

    /** A binding-set member {@code routing_key SEP pattern SEP queue}, or empty when the member is malformed. */
    public Optional<Binding> parseBindingMember(String exchange, byte[] member) {
        String[] fields = new String(member, StandardCharsets.UTF_8).split(separator, -1);
        if (fields.length != 3 || fields[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Binding(exchange, fields[0], fields[1], fields[2]));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String escapeGlob(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if ("*?[]\\^".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
