package io.celeryexporter.bench;

import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/** Fills the queue with real Celery messages, then keeps steady arrivals and departures, logging the truth. */
final class Traffic implements AutoCloseable {

    private final UnifiedJedis redis;
    private final String queue;
    private final TruthLog truth;
    private final MessageEncoder encoder = new MessageEncoder("bench@localhost");
    private volatile boolean stop;
    private Thread thread;

    Traffic(UnifiedJedis redis, String queue, TruthLog truth) {
        this.redis = redis;
        this.queue = queue;
        this.truth = truth;
    }

    private byte[] message(long n) {
        String id = UUID.randomUUID().toString();
        return encoder.encode(new OutgoingTask(queue, n % 5 == 0 ? "tasks.report" : "tasks.evaluate", id,
                List.of(n, "x".repeat(400)), Map.of(), 0, null, Map.of()));
    }

    /** Pushes {@code count} messages with pipelined LPUSH, 1000 at a time. */
    void fill(long count) {
        long done = 0;
        while (done < count) {
            int batch = (int) Math.min(1000, count - done);
            try (AbstractPipeline p = redis.pipelined()) {
                for (int i = 0; i < batch; i++) {
                    p.lpush(queue.getBytes(), message(done + i));
                }
                p.sync();
            }
            truth.pushed(batch, System.currentTimeMillis() / 1000.0);
            done += batch;
        }
    }

    /** Starts {@code perSecond} arrivals and as many departures (RPOP) per second, in 10 ms steps. */
    void startSteady(double perSecond) {
        thread = new Thread(() -> {
            long start = System.nanoTime();
            long pushed = 0;
            long popped = 0;
            while (!stop) {
                double due = (System.nanoTime() - start) / 1e9 * perSecond;
                while (pushed < (long) due) {
                    redis.lpush(queue.getBytes(), message(pushed));
                    truth.pushed(1, System.currentTimeMillis() / 1000.0);
                    pushed++;
                }
                while (popped < (long) due) {
                    if (redis.rpop(queue.getBytes()) != null) {
                        truth.popped(1);
                    }
                    popped++;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        if (thread != null) {
            thread.join();
        }
    }
}
