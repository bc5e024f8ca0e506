package io.celeryexporter.celery;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the exact envelope Celery 5.x (task protocol 2, JSON serializer) stores in Redis, field for field and in
 * kombu's key order; the counterpart of {@link MessageDecoder}. Used by the load generator and by tests.
 */
public final class MessageEncoder {

    private final String origin;
    private final String replyTo;

    /** @param origin the producer's node name, e.g. {@code gen1234@host} */
    public MessageEncoder(String origin) {
        this.origin = origin;
        this.replyTo = UUID.randomUUID().toString();
    }

    public byte[] encode(OutgoingTask task) {
        Map<String, Object> embed = new LinkedHashMap<>();
        embed.put("callbacks", null);
        embed.put("errbacks", null);
        embed.put("chain", null);
        embed.put("chord", null);
        String body = PythonJson.write(Arrays.asList(task.args(), new LinkedHashMap<>(task.kwargs()), embed));

        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("lang", "py");
        headers.put("task", task.name());
        headers.put("id", task.id());
        headers.put("shadow", null);
        headers.put("eta", task.eta());
        headers.put("expires", null);
        headers.put("group", null);
        headers.put("group_index", null);
        headers.put("retries", 0);
        headers.put("timelimit", Arrays.asList(null, null));
        headers.put("root_id", task.id());
        headers.put("parent_id", null);
        headers.put("argsrepr", argsRepr(task));
        headers.put("kwargsrepr", task.kwargs().isEmpty() ? "{}" : PythonJson.write(task.kwargs()));
        headers.put("origin", origin);
        headers.put("ignore_result", false);
        headers.putAll(task.extraHeaders());

        Map<String, Object> deliveryInfo = new LinkedHashMap<>();
        deliveryInfo.put("exchange", "");
        deliveryInfo.put("routing_key", task.queue());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("correlation_id", task.id());
        properties.put("reply_to", replyTo);
        properties.put("delivery_mode", 2);
        properties.put("delivery_info", deliveryInfo);
        properties.put("priority", task.priority());
        properties.put("body_encoding", "base64");
        properties.put("delivery_tag", UUID.randomUUID().toString());

        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        envelope.put("content-encoding", "utf-8");
        envelope.put("content-type", "application/json");
        envelope.put("headers", headers);
        envelope.put("properties", properties);
        return PythonJson.write(envelope).getBytes(StandardCharsets.UTF_8);
    }

    /** Python's repr of the args tuple, as Celery's {@code argsrepr} (strings quoted the Python way). */
    private static String argsRepr(OutgoingTask task) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < task.args().size(); i++) {
            Object arg = task.args().get(i);
            out.append(i == 0 ? "" : ", ");
            out.append(arg instanceof String s ? "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
                    : arg instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(arg));
        }
        return out.append(task.args().size() == 1 ? ",)" : ")").toString();
    }
}
