package io.celeryexporter.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of a text exposition on their way to the response: names, label values escaped as the text formats
 * want, and numbers as client_java spells them ({@code Double.toString}, {@code +Inf}, {@code -Inf}).
 *
 * <p>Not thread-safe, and unsynchronised on purpose: client_java's writer goes through a {@code BufferedWriter},
 * which takes its lock for every brace and character of a label value.
 */
final class ExpositionBuffer {

    private static final int SIZE = 64 * 1024;
    private static final int SMALL = 256;
    private static final byte[] PLUS_INF = "+Inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINUS_INF = "-Inf".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private byte[] buffer;
    private int position;

    ExpositionBuffer(OutputStream out) {
        this.out = out;
        this.buffer = new byte[SIZE];
    }

    private ExpositionBuffer() {
        this.out = null;
        this.buffer = new byte[SMALL];
    }

    /** A buffer that holds what it is given and grows, for bytes to be copied many times with {@link #copyTo}. */
    static ExpositionBuffer inMemory() {
        return new ExpositionBuffer();
    }

    void reset() {
        position = 0;
    }

    void copyTo(ExpositionBuffer target) throws IOException {
        target.write(buffer, position);
    }

    void write(byte b) throws IOException {
        if (position == buffer.length) {
            makeRoom(1);
        }
        buffer[position++] = b;
    }

    void write(byte[] bytes) throws IOException {
        write(bytes, bytes.length);
    }

    private void write(byte[] bytes, int length) throws IOException {
        if (length > buffer.length - position) {
            makeRoom(length);
            if (length > buffer.length) { // more than a whole buffer: straight to the stream
                out.write(bytes, 0, length);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, position, length);
        position += length;
    }

    /** Text as UTF-8, unescaped: names and fixed words. */
    void write(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                write((byte) c);
            } else {
                i = writeNonAscii(s, i);
            }
        }
    }

    /**
     * Text as UTF-8 with backslash, newline and (when asked) the double quote escaped: label values, and the help of
     * OpenMetrics; Prometheus text leaves the quotes of a help as they are.
     */
    void writeEscaped(String s, boolean quote) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                write((byte) '\\');
                write((byte) '\\');
            } else if (c == '\n') {
                write((byte) '\\');
                write((byte) 'n');
            } else if (c == '"' && quote) {
                write((byte) '\\');
                write((byte) '"');
            } else if (c < 0x80) {
                write((byte) c);
            } else {
                i = writeNonAscii(s, i);
            }
        }
    }

    /** The code point at {@code i} as UTF-8 (an unpaired surrogate as '?', as Java's encoder does); the last index used. */
    private int writeNonAscii(String s, int i) throws IOException {
        int codePoint = s.codePointAt(i);
        if (Character.isSurrogate(s.charAt(i)) && codePoint == s.charAt(i)) {
            write((byte) '?');
            return i;
        }
        if (codePoint < 0x800) {
            write((byte) (0xC0 | codePoint >> 6));
        } else if (codePoint < 0x10000) {
            write((byte) (0xE0 | codePoint >> 12));
            write((byte) (0x80 | codePoint >> 6 & 0x3F));
        } else {
            write((byte) (0xF0 | codePoint >> 18));
            write((byte) (0x80 | codePoint >> 12 & 0x3F));
            write((byte) (0x80 | codePoint >> 6 & 0x3F));
        }
        write((byte) (0x80 | codePoint & 0x3F));
        return i + Character.charCount(codePoint) - 1;
    }

    void write(long value) throws IOException {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                write(Long.toString(value));
                return;
            }
            write((byte) '-');
            value = -value;
        }
        if (buffer.length - position < 20) { // the most digits a long has
            makeRoom(20);
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = position + digits - 1; i >= position; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        position += digits;
    }

    /**
     * As {@code Double.toString}, whose spelling the other writers use. A whole number below ten million (most
     * values here: counts and lengths) is spelled the same, "20.0", without making a String.
     */
    void write(double value) throws IOException {
        if (value == Double.POSITIVE_INFINITY) {
            write(PLUS_INF);
        } else if (value == Double.NEGATIVE_INFINITY) {
            write(MINUS_INF);
        } else if (value == (long) value && Math.abs(value) < 1e7 && !isNegativeZero(value)) {
            write((long) value);
            write((byte) '.');
            write((byte) '0');
        } else {
            write(Double.toString(value));
        }
    }

    private static boolean isNegativeZero(double value) {
        return Double.doubleToRawLongBits(value) == Long.MIN_VALUE;
    }

    /** Hands what is buffered to the stream. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    /** Room for {@code needed} more bytes: a bigger array in memory; on a stream, an empty buffer. */
    private void makeRoom(int needed) throws IOException {
        if (out == null) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, position + needed));
        } else {
            drain();
        }
    }

    private void drain() throws IOException {
        out.write(buffer, 0, position);
        position = 0;
    }
}
