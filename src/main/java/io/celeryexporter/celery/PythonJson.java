package io.celeryexporter.celery;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Python's {@code json.dumps} does with its defaults, which is what kombu stores: {@code ", "}
 * and {@code ": "} separators and non-ASCII escaped as {@code \\uXXXX}. Values: null, Boolean, Number, String, List,
 * Map with String keys (in iteration order).
 */
final class PythonJson {

    private PythonJson() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "null" : repr(d));
        } else if (value instanceof Number n) {
            out.append(n);
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                append(out, list.get(i));
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ", ");
                first = false;
                string(out, (String) e.getKey());
                out.append(": ");
                append(out, e.getValue());
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    /** Python's float repr: shortest round-trip digits, always with a decimal point or exponent. */
    private static String repr(double d) {
        String s = Double.toString(d);
        return s.endsWith(".0") && Math.abs(d) < 1e16 ? s : s.replace("E", "e");
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
