package io.celeryexporter.celery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the worker events Celery workers publish on the {@code celeryev} fanout, also without {@code -E}:
 * {@code worker-online}, a {@code worker-heartbeat} every {@code freq} seconds, {@code worker-offline}.
 */
public final class WorkerEventDecoder {

    private static final String FANOUT = "celeryev/";
    private static final String WORKER_ROUTING_PREFIX = FANOUT + "worker.";

    private WorkerEventDecoder() {}

    /**
     * kombu's fanout channels for every Celery event, worker and task, as PSUBSCRIBE patterns:
     * {@code PREFIX/DB.celeryev/*}. Through Sentinel, kombu before 5.4.0 never fills the database into the channel
     * name, which is then literally {@code /{db}.celeryev/...}: that one is listened to as well.
     */
    public static List<byte[]> channelPatterns(KeyNaming naming, int database, boolean sentinel) {
        List<byte[]> patterns = new ArrayList<>(2);
        patterns.add(bytes(naming.escapedPrefix() + "/" + database + "." + FANOUT + "*"));
        if (sentinel) {
            patterns.add(bytes(naming.escapedPrefix() + "/{db}." + FANOUT + "*"));
        }
        return patterns;
    }

    /** Whether a message on this channel is a worker event; otherwise it is a task event. */
    public static boolean isWorkerChannel(byte[] channel) {
        return new String(channel, StandardCharsets.UTF_8).contains(WORKER_ROUTING_PREFIX);
    }

    /** The worker event in one published message. */
    public static WorkerEvent decode(byte[] raw) throws UndecodableMessageException {
        byte[] body = EventEnvelope.body(raw);
        String type = null;
        String hostname = null;
        double freq = WorkerEvent.DEFAULT_FREQ;
        long active = -1;
        long processed = -1;
        WorkerInfo info = WorkerInfo.UNKNOWN;
        try (JsonParser p = EventEnvelope.JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new UndecodableMessageException("a worker event is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> type = string(p, value, field);
                    case "hostname" -> hostname = string(p, value, field);
                    case "freq" -> freq = number(p, value, field);
                    case "active" -> active = count(p, value, field);
                    case "processed" -> processed = count(p, value, field);
                    case "x_worker_info" -> info = info(p, value);
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new UndecodableMessageException("a worker event is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UndecodableMessageException("a worker event is not JSON: " + e.getMessage());
        }
        WorkerEvent.Type known = type == null ? null : WorkerEvent.Type.of(type);
        if (known == null) {
            throw new UndecodableMessageException("a worker event has no known type: " + type);
        }
        if (hostname == null || hostname.isEmpty()) {
            throw new UndecodableMessageException("a " + type + " event has no hostname");
        }
        if (!(freq > 0) || Double.isInfinite(freq)) {
            throw new UndecodableMessageException("a " + type + " event has freq " + freq + ", not a positive number");
        }
        return new WorkerEvent(known, hostname, freq, active, processed, info);
    }

    private static WorkerInfo info(JsonParser p, JsonToken value) throws IOException, UndecodableMessageException {
        if (value != JsonToken.START_OBJECT) {
            throw new UndecodableMessageException("x_worker_info is not an object");
        }
        Set<String> queues = null;
        Integer concurrency = null;
        Integer multiplier = null;
        Boolean acksLate = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "queues" -> queues = strings(p, v);
                case "concurrency" -> concurrency = (int) count(p, v, "x_worker_info.concurrency");
                case "prefetch_multiplier" -> multiplier = (int) count(p, v, "x_worker_info.prefetch_multiplier");
                case "acks_late" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw new UndecodableMessageException("x_worker_info.acks_late is not true or false");
                    }
                    acksLate = v == JsonToken.VALUE_TRUE;
                }
                default -> p.skipChildren();
            }
        }
        return new WorkerInfo(queues, concurrency, multiplier, acksLate);
    }

    private static Set<String> strings(JsonParser p, JsonToken value) throws IOException,
            UndecodableMessageException {
        if (value != JsonToken.START_ARRAY) {
            throw new UndecodableMessageException("x_worker_info.queues is not a list");
        }
        Set<String> out = new HashSet<>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new UndecodableMessageException("x_worker_info.queues holds something other than names");
        }
        return out;
    }

    private static String string(JsonParser p, JsonToken value, String field) throws IOException,
            UndecodableMessageException {
        if (value != JsonToken.VALUE_STRING) {
            throw new UndecodableMessageException("a worker event's " + field + " is not a string");
        }
        return p.getText();
    }

    private static double number(JsonParser p, JsonToken value, String field) throws IOException,
            UndecodableMessageException {
        if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new UndecodableMessageException("a worker event's " + field + " is not a number");
        }
        return p.getDoubleValue();
    }

    private static long count(JsonParser p, JsonToken value, String field) throws IOException,
            UndecodableMessageException {
        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > Integer.MAX_VALUE) {
            throw new UndecodableMessageException("a worker event's " + field + " is not a count");
        }
        return p.getLongValue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
