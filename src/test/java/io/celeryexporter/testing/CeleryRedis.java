package io.celeryexporter.testing;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import io.celeryexporter.celery.PrioritySteps;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;

/** Writes what a Celery producer and worker would, so tests can set up a broker state precisely. */
public final class CeleryRedis {

    private final UnifiedJedis redis;
    private final KeyNaming naming;
    private final PrioritySteps steps;
    private final MessageEncoder encoder = new MessageEncoder("test@localhost");

    public CeleryRedis(UnifiedJedis redis, String prefix, PrioritySteps steps) {
        this.redis = redis;
        this.naming = KeyNaming.withPrefix(prefix);
        this.steps = steps;
    }

    public CeleryRedis(UnifiedJedis redis) {
        this(redis, "", PrioritySteps.KOMBU_DEFAULT);
    }

    /** Declares the queue as Celery does on first publish: {@code SADD _kombu.binding.Q "Q SEP SEP Q"}. */
    public void declare(String queue) {
        redis.sadd(bytes(naming.prefix() + "_kombu.binding." + queue),
                bytes(queue + naming.separator() + naming.separator() + queue));
    }

    /** Publishes {@code count} tasks with one priority; returns the raw messages, oldest first. */
    public List<byte[]> publish(String queue, int priority, int count) {
        declare(queue);
        return push(queue, priority, count);
    }

    /**
     * Publishes as a producer that declared the queue before its binding vanished: kombu caches the declaration,
     * so it pushes without binding again. Priority 0.
     */
    public List<byte[]> publishWithoutBinding(String queue, int count) {
        return push(queue, 0, count);
    }

    private List<byte[]> push(String queue, int priority, int count) {
        byte[][] messages = new byte[count][];
        for (int i = 0; i < count; i++) {
            messages[i] = message(queue, "tasks.work", priority, null);
            redis.lpush(naming.listKey(queue, steps.stepFor(priority)), messages[i]);
        }
        return List.of(messages);
    }

    public byte[] message(String queue, String task, int priority, String eta) {
        return message(queue, task, priority, eta, Map.of());
    }

    public byte[] message(String queue, String task, int priority, String eta, Map<String, Object> extraHeaders) {
        return encoder.encode(new OutgoingTask(queue, task, UUID.randomUUID().toString(), List.of(1), Map.of(),
                priority, eta, extraHeaders));
    }

    /** A message as kombu restores it: re-serialised with {@code redelivered: true}. */
    public byte[] redelivered(String queue, String task) {
        return message(queue, task, 0, null, Map.of("redelivered", true));
    }

    /** Puts a raw value into a list, as a producer with a bug could. */
    public void pushRaw(String queue, byte[] raw) {
        redis.lpush(naming.listKey(queue, 0), raw);
    }

    /** Adds an {@code unacked} entry as kombu's QoS does when a worker takes a message. */
    public void unacked(String tag, byte[] hashValue) {
        unacked(tag, hashValue, System.currentTimeMillis() / 1000.0);
    }

    /** The same, received by the worker at {@code receivedAt} (epoch seconds). */
    public void unacked(String tag, byte[] hashValue, double receivedAt) {
        redis.hset(bytes(naming.prefix() + "unacked"), bytes(tag), hashValue);
        redis.zadd(bytes(naming.prefix() + "unacked_index"), receivedAt, bytes(tag));
    }

    /** The {@code [message, exchange, routing_key]} value for a message sent through the default exchange. */
    public static byte[] unackedValue(byte[] message, String queue) {
        String json = "[" + new String(message, StandardCharsets.UTF_8) + ", \"\", \"" + queue + "\"]";
        return bytes(json);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
