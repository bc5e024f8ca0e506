package io.celeryexporter.rehearsal.live;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.celery.TaskMessage;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.rehearsal.TaskQueue;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;

/**
 * A real Celery queue on a broker, as the rehearsal's queue. Each task published is a real Celery message (LPUSH at
 * priority 0, as a producer does) carrying its arrival time in a header only the rehearsal reads; workers take tasks
 * as a worker's BRPOP does: the priority lists in order, step 0 first, the oldest end of each.
 */
final class LiveQueue implements TaskQueue {

    /** The arrival time, seconds from the start of the rehearsal; the exporter is not told to read it. */
    static final String ARRIVAL_HEADER = "x-rehearsal-arrival";
    static final String TASK_NAME = "rehearsal.task";

    private final UnifiedJedis redis;
    private final byte[][] keys;
    private final String queue;
    private final MessageEncoder encoder = new MessageEncoder("rehearse@localhost");
    private final MessageDecoder decoder = new MessageDecoder(List.of(ARRIVAL_HEADER));
    private long published;
    private long taken;

    LiveQueue(UnifiedJedis redis, KeyNaming naming, PrioritySteps steps, String queue) {
        this.redis = redis;
        this.queue = queue;
        this.keys = steps.steps().stream().map(step -> naming.listKey(queue, step)).toArray(byte[][]::new);
    }

    @Override
    public void publish(double arrival) {
        byte[] message = encoder.encode(new OutgoingTask(queue, TASK_NAME, UUID.randomUUID().toString(),
                List.of(published), Map.of(), 0, null, Map.of(ARRIVAL_HEADER, arrival)));
        redis.lpush(keys[0], message);
        published++;
    }

    @Override
    public double take() {
        for (byte[] key : keys) {
            byte[] message = redis.rpop(key);
            if (message != null) {
                taken++;
                return arrivalOf(message);
            }
        }
        return Double.NaN;
    }

    @Override
    public int size() {
        long n = 0;
        for (byte[] key : keys) {
            n += redis.llen(key);
        }
        return (int) n;
    }

    @Override
    public double oldestArrival() {
        double oldest = Double.NaN;
        for (byte[] key : keys) {
            byte[] head = redis.lindex(key, -1);
            if (head != null) {
                double arrival = arrivalOf(head);
                oldest = Double.isNaN(oldest) ? arrival : Math.min(oldest, arrival);
            }
        }
        return oldest;
    }

    long published() {
        return published;
    }

    long taken() {
        return taken;
    }

    /** Removes the rehearsal's tasks still queued (after Ctrl-C), and only those; reads 1000 at a time. */
    long removeOwnTasks() {
        long removed = 0;
        for (byte[] key : keys) {
            long offset = 0;
            List<byte[]> page;
            do {
                page = redis.lrange(key, offset, offset + PAGE - 1);
                long kept = 0;
                for (byte[] message : page) {
                    if (isOwn(message)) {
                        removed += redis.lrem(key, 1, message);
                    } else {
                        kept++;
                    }
                }
                offset += kept; // what was removed no longer takes a place
            } while (page.size() == PAGE);
        }
        return removed;
    }

    private static final int PAGE = 1000;

    private boolean isOwn(byte[] message) {
        try {
            TaskMessage m = decoder.decode(message);
            return TASK_NAME.equals(m.taskName()) && m.hasPublishedAt();
        } catch (UndecodableMessageException e) {
            return false;
        }
    }

    /** A task of someone else's (with --force, the queue held some) counts as arrived at the start. */
    private double arrivalOf(byte[] message) {
        try {
            TaskMessage m = decoder.decode(message);
            return m.hasPublishedAt() ? m.publishedAt() : 0;
        } catch (UndecodableMessageException e) {
            return 0;
        }
    }
}
