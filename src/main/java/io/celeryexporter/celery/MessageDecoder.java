package io.celeryexporter.celery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads the few fields the exporter needs from a stored Celery message with Jackson's streaming parser. It never
 * decodes a v2 body, so pickle and compressed bodies cost nothing; protocol v1 keeps its fields in the body, which is
 * read only when the body is JSON.
 *
 * <p>Thread-safe: it holds only immutable configuration.
 */
public final class MessageDecoder {

    /** Sentry's Celery integration adds this header (epoch seconds) to every task it sends. */
    public static final String SENTRY_ENQUEUED_TIME_HEADER = "sentry-task-enqueued-time";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    private final List<String> enqueueTimeHeaders;

    /** @param enqueueTimeHeaders header names holding the publish time, best first */
    public MessageDecoder(List<String> enqueueTimeHeaders) {
        this.enqueueTimeHeaders = List.copyOf(enqueueTimeHeaders);
    }

    /** A list element: one message envelope. */
    public TaskMessage decode(byte[] raw) throws UndecodableMessageException {
        TaskMessage message = parse(raw, false, p -> readEnvelope(p, false));
        if (message.protocol() == 1) {
            return parse(raw, false, p -> readEnvelope(p, true));
        }
        return message;
    }

    /** An {@code unacked} hash value: {@code [message, exchange, routing_key]}. */
    public UnackedEntry decodeUnacked(byte[] raw) throws UndecodableMessageException {
        UnackedEntry entry = parse(raw, true, p -> readUnacked(p, false));
        if (entry.message().protocol() == 1) {
            return parse(raw, true, p -> readUnacked(p, true));
        }
        return entry;
    }

    private interface Reader<T> {
        T read(JsonParser parser) throws IOException, UndecodableMessageException;
    }

    private static <T> T parse(byte[] raw, boolean array, Reader<T> reader) throws UndecodableMessageException {
        if (raw == null || raw.length == 0) {
            throw new UndecodableMessageException("empty value");
        }
        try (JsonParser parser = JSON.createParser(raw)) {
            JsonToken first = parser.nextToken();
            if (first != (array ? JsonToken.START_ARRAY : JsonToken.START_OBJECT)) {
                throw new UndecodableMessageException(array ? "not a JSON array" : "not a JSON object");
            }
            T value = reader.read(parser);
            if (parser.nextToken() != null) {
                throw new UndecodableMessageException("trailing data after the JSON value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableMessageException("not valid JSON: " + e.getClass().getSimpleName());
        }
    }

    private UnackedEntry readUnacked(JsonParser p, boolean readBody) throws IOException, UndecodableMessageException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new UndecodableMessageException("unacked entry does not start with a message object");
        }
        TaskMessage message = readEnvelope(p, readBody);
        String exchange = nextString(p, "unacked exchange");
        String routingKey = nextString(p, "unacked routing key");
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new UndecodableMessageException("unacked entry has more than three elements");
        }
        return new UnackedEntry(message, exchange, routingKey);
    }

    /** Reads an envelope object; the parser stands on its START_OBJECT and ends on its END_OBJECT. */
    private TaskMessage readEnvelope(JsonParser p, boolean readBody) throws IOException, UndecodableMessageException {
        Fields f = new Fields();
        String body = null;
        String contentType = null;
        boolean sawHeaders = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "headers" -> {
                    expect(value, JsonToken.START_OBJECT, "headers");
                    readHeaders(p, f);
                    sawHeaders = true;
                }
                case "properties" -> {
                    expect(value, JsonToken.START_OBJECT, "properties");
                    readProperties(p, f);
                }
                case "content-type" -> contentType = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "body" -> {
                    if (readBody && value == JsonToken.VALUE_STRING) {
                        body = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!sawHeaders) {
            throw new UndecodableMessageException("no headers object: not a kombu message");
        }
        int protocol = f.task != null ? 2 : 1;
        if (protocol == 1 && readBody) {
            readV1Body(body, contentType, f);
        }
        double publishedAt = f.headerPublishedAt;
        if (Double.isNaN(publishedAt) && !Double.isNaN(f.expires) && f.expirationMillis >= 0) {
            publishedAt = f.expires - f.expirationMillis / 1000.0;
        }
        return new TaskMessage(protocol, f.task, f.id, f.priority, f.eta, publishedAt, f.redelivered,
                f.exchange, f.routingKey);
    }

    private void readHeaders(JsonParser p, Fields f) throws IOException, UndecodableMessageException {
        double[] headerTimes = new double[enqueueTimeHeaders.size()];
        Arrays.fill(headerTimes, Double.NaN);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "task" -> f.task = stringOrNull(p, value, "headers.task");
                case "id" -> f.id = stringOrNull(p, value, "headers.id");
                case "eta" -> f.eta = timeOrNaN(p, value, "headers.eta");
                case "expires" -> f.expires = timeOrNaN(p, value, "headers.expires");
                case "redelivered" -> f.redelivered |= value == JsonToken.VALUE_TRUE;
                default -> {
                    int index = enqueueTimeHeaders.indexOf(name);
                    if (index >= 0) {
                        headerTimes[index] = timeOrNaN(p, value, "headers." + name);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        for (double t : headerTimes) {
            if (!Double.isNaN(t)) {
                f.headerPublishedAt = t;
                break;
            }
        }
    }

    private static void readProperties(JsonParser p, Fields f) throws IOException, UndecodableMessageException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "priority" -> f.priority = value.isNumeric() ? p.getValueAsInt(0) : 0;
                case "expiration" -> f.expirationMillis = parseMillis(p, value);
                case "delivery_info" -> {
                    expect(value, JsonToken.START_OBJECT, "properties.delivery_info");
                    readDeliveryInfo(p, f);
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void readDeliveryInfo(JsonParser p, Fields f) throws IOException, UndecodableMessageException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "exchange" -> f.exchange = stringOrNull(p, value, "delivery_info.exchange");
                case "routing_key" -> f.routingKey = stringOrNull(p, value, "delivery_info.routing_key");
                case "redelivered" -> f.redelivered |= value == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
    }

    /** Protocol v1 keeps task, id, eta and expires in the body. Only a JSON body can be read here. */
    private static void readV1Body(String body, String contentType, Fields f) throws UndecodableMessageException {
        if (!"application/json".equals(contentType) || body == null) {
            throw new UndecodableMessageException("protocol v1 message with a " + contentType + " body");
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new UndecodableMessageException("protocol v1 body is not base64");
        }
        parse(json, false, p -> {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "task" -> f.task = stringOrNull(p, value, "body.task");
                    case "id" -> f.id = stringOrNull(p, value, "body.id");
                    case "eta" -> f.eta = timeOrNaN(p, value, "body.eta");
                    case "expires" -> f.expires = timeOrNaN(p, value, "body.expires");
                    default -> p.skipChildren();
                }
            }
            return null;
        });
        if (f.task == null) {
            throw new UndecodableMessageException("protocol v1 body has no task name");
        }
    }

    private static String nextString(JsonParser p, String what) throws IOException, UndecodableMessageException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_STRING) {
            throw new UndecodableMessageException(what + " is not a string");
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) throws UndecodableMessageException {
        if (actual != expected) {
            throw new UndecodableMessageException(what + " has the wrong type");
        }
    }

    private static String stringOrNull(JsonParser p, JsonToken value, String what)
            throws IOException, UndecodableMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new UndecodableMessageException(what + " is not a string");
        }
        return p.getText();
    }

    private static long parseMillis(JsonParser p, JsonToken value) throws IOException {
        if (value.isNumeric()) {
            return p.getValueAsLong(-1);
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return (long) Double.parseDouble(p.getText());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        p.skipChildren();
        return -1;
    }

    /**
     * A time as Celery or an app writes it: an ISO-8601 string (with or without offset; without one it is taken as
     * UTC, Celery's default) or epoch seconds as a number or numeric string. Unreadable values are absent.
     */
    private static double timeOrNaN(JsonParser p, JsonToken value, String what) throws IOException {
        if (value.isNumeric()) {
            return p.getDoubleValue();
        }
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return Double.NaN;
        }
        return parseTime(p.getText());
    }

    static double parseTime(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notANumber) {
            try {
                return toEpochSeconds(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException noOffset) {
                try {
                    return toEpochSeconds(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException e) {
                    return Double.NaN;
                }
            }
        }
    }

    private static double toEpochSeconds(java.time.Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    /** Mutable scratch space for one decode; never escapes it. */
    private static final class Fields {
        String task;
        String id;
        int priority;
        double eta = Double.NaN;
        double expires = Double.NaN;
        long expirationMillis = -1;
        double headerPublishedAt = Double.NaN;
        boolean redelivered;
        String exchange;
        String routingKey;
    }
}
