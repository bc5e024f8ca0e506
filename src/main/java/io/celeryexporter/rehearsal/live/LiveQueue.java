package io.celeryexporter.rehearsal.live;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.celery.TaskMessage;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.rehearsal.QueuedTask;
import io.celeryexporter.rehearsal.TaskQueue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;

/**
 * A real Celery queue on a broker, as the rehearsal's queue. Each task published is a real Celery message (LPUSH at
 * priority 0, as a producer does) of the rehearsal's task, with an id that marks it as the rehearsal's and its
 * arrival time in a header only the rehearsal reads; modelled workers take tasks
 * as a worker's BRPOP does: the priority lists in order, step 0 first, the oldest end of each.
 */
final class LiveQueue implements TaskQueue {

    /** The arrival time, seconds from the start of the rehearsal; the exporter is not told to read it. */
    static final String ARRIVAL_HEADER = "x-rehearsal-arrival";
    /** The rehearsal's task ids start with this, so that its tasks are told from anyone else's. */
    static final String ID_PREFIX = "rehearsal-";

    private final UnifiedJedis redis;
    private final byte[][] keys;
    private final byte[] unackedKey;
    private final byte[] unackedIndexKey;
    private final String queue;
    private final TaskTemplate template;
    private final MessageEncoder encoder = new MessageEncoder("rehearse@localhost");
    private final MessageDecoder decoder = new MessageDecoder(List.of(ARRIVAL_HEADER));
    private long published;
    private long taken;

    LiveQueue(UnifiedJedis redis, KeyNaming naming, PrioritySteps steps, String queue, TaskTemplate template) {
        this.redis = redis;
        this.queue = queue;
        this.template = template;
        this.unackedKey = naming.unackedKey();
        this.unackedIndexKey = naming.unackedIndexKey();
        this.keys = steps.steps().stream().map(step -> naming.listKey(queue, step)).toArray(byte[][]::new);
    }

    @Override
    public String newTaskId(long sequence) {
        return ID_PREFIX + UUID.randomUUID();
    }

    @Override
    public void publish(QueuedTask task) {
        redis.lpush(keys[0], encode(task));
        published++;
    }

    private byte[] encode(QueuedTask task) {
        return encoder.encode(new OutgoingTask(queue, template.name(), task.id(), template.args(), Map.of(), 0, null,
                Map.of(ARRIVAL_HEADER, task.arrival())));
    }

    @Override
    public QueuedTask take() {
        for (byte[] key : keys) {
            byte[] message = redis.rpop(key);
            if (message != null) {
                taken++;
                return taskOf(message);
            }
        }
        return null;
    }

    @Override
    public void restore(List<QueuedTask> tasks) {
        for (int i = tasks.size() - 1; i >= 0; i--) {
            redis.rpush(keys[0], encode(tasks.get(i)));
        }
    }

    @Override
    public Set<String> queuedIds() {
        Set<String> ids = new HashSet<>();
        forEachQueued((key, message) -> {
            QueuedTask task = taskOf(message);
            if (task.id().startsWith(ID_PREFIX)) {
                ids.add(task.id());
            }
            return false;
        });
        return ids;
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
                double arrival = taskOf(head).arrival();
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

    /**
     * The rehearsal's tasks in kombu's {@code unacked} hash: received by a worker and not acknowledged. After the
     * workers are gone, they are stranded until a visibility timeout passes.
     */
    Set<String> unackedIds() {
        Set<String> ids = new HashSet<>();
        ownUnacked().values().forEach(ids::add);
        return ids;
    }

    /** Removes the rehearsal's tasks from {@code unacked} (and their index entries), and only those. */
    long removeOwnUnacked() {
        long removed = 0;
        for (byte[] tag : ownUnacked().keySet().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList()) {
            removed += redis.hdel(unackedKey, tag);
            redis.zrem(unackedIndexKey, tag);
        }
        return removed;
    }

    /** Delivery tag to task id, for the rehearsal's tasks in {@code unacked}. */
    private Map<String, String> ownUnacked() {
        Map<String, String> out = new HashMap<>();
        Map<byte[], byte[]> entries = redis.hgetAll(unackedKey);
        for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
            try {
                TaskMessage m = decoder.decodeUnacked(e.getValue()).message();
                if (m.taskId() != null && m.taskId().startsWith(ID_PREFIX)) {
                    out.put(new String(e.getKey(), StandardCharsets.UTF_8), m.taskId());
                }
            } catch (UndecodableMessageException ignored) {
                // someone else's entry, or not Celery's: not ours to judge
            }
        }
        return out;
    }

    /** Removes the rehearsal's tasks still queued (after Ctrl-C), and only those. */
    long removeOwnTasks() {
        long[] removed = {0};
        forEachQueued((key, message) -> {
            if (isOwn(message)) {
                removed[0] += redis.lrem(key, 1, message);
                return true;
            }
            return false;
        });
        return removed[0];
    }

    /** Reads every list 1000 messages at a time; {@code visit} says whether it removed the message. */
    private void forEachQueued(MessageVisit visit) {
        for (byte[] key : keys) {
            long offset = 0;
            List<byte[]> page;
            do {
                page = redis.lrange(key, offset, offset + PAGE - 1);
                long kept = 0;
                for (byte[] message : page) {
                    kept += visit.removed(key, message) ? 0 : 1;
                }
                offset += kept; // what was removed no longer takes a place
            } while (page.size() == PAGE);
        }
    }

    private interface MessageVisit {
        boolean removed(byte[] key, byte[] message);
    }

    private static final int PAGE = 1000;

    boolean isOwn(byte[] message) {
        try {
            TaskMessage m = decoder.decode(message);
            return m.taskId() != null && m.taskId().startsWith(ID_PREFIX) && m.hasPublishedAt();
        } catch (UndecodableMessageException e) {
            return false;
        }
    }

    /** A task of someone else's (with --force, the queue held some) counts as arrived at the start. */
    private QueuedTask taskOf(byte[] message) {
        try {
            TaskMessage m = decoder.decode(message);
            return new QueuedTask(m.taskId() == null ? "" : m.taskId(), m.hasPublishedAt() ? m.publishedAt() : 0);
        } catch (UndecodableMessageException e) {
            return new QueuedTask("", 0);
        }
    }
}
