package io.celeryexporter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Raw values exactly as Celery 5.2.6 / kombu 5.2.4 stored them in Redis (copied from shared/fixtures). */
public final class Fixtures {

    private Fixtures() {}

    public static byte[] celery(String name) {
        String path = "/fixtures/celery-5.2.6/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            byte[] bytes = in.readAllBytes();
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            return java.util.Arrays.copyOf(bytes, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
