package io.celeryexporter.testing;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import io.celeryexporter.celery.PrioritySteps;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.KeyValue;

/**
 * The normal operating point: producers publish at a steady rate, one LPUSH per task as Celery does, and workers
 * that are faster take them with BRPOP, so the queue is nearly always empty. Logs the truth: every task published,
 * every task taken, and how long each waited (taken − published, on this process's monotonic clock).
 */
public final class HealthyTraffic implements AutoCloseable {

    private final RedisClient producer;
    private final RedisClient consumer;
    private final String queue;
    private final KeyNaming naming;
    private final PrioritySteps steps;
    private final List<Integer> priorities;
    private final MessageEncoder encoder = new MessageEncoder("traffic@localhost");
    private final Map<ByteBuffer, Long> sentNanos = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final DoubleAdder waitSum = new DoubleAdder();
    private volatile boolean stopProducing;
    private volatile boolean stopConsuming;
    private Thread producerThread;
    private Thread consumerThread;

    public HealthyTraffic(String redisUrl, String queue, KeyNaming naming, PrioritySteps steps,
                          List<Integer> priorities) {
        this.producer = RedisClient.create(redisUrl);
        this.consumer = RedisClient.create(redisUrl);
        this.queue = queue;
        this.naming = naming;
        this.steps = steps;
        this.priorities = List.copyOf(priorities);
    }

    /** Publishes {@code rate} tasks per second and consumes up to {@code consumeRate} per second. */
    public void start(double rate, double consumeRate) {
        producerThread = new Thread(() -> produce(rate), "healthy-producer");
        consumerThread = new Thread(() -> consume(consumeRate), "healthy-consumer");
        producerThread.setDaemon(true);
        consumerThread.setDaemon(true);
        producerThread.start();
        consumerThread.start();
    }

    private void produce(double rate) {
        long start = System.nanoTime();
        while (!stopProducing) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            while (published.get() < due && !stopProducing) {
                long n = published.get();
                int priority = priorities.get((int) (n % priorities.size()));
                byte[] message = encoder.encode(new OutgoingTask(queue, "tasks.evaluate", UUID.randomUUID().toString(),
                        List.of(n), Map.of(), priority, null, Map.of()));
                sentNanos.put(ByteBuffer.wrap(message), System.nanoTime());
                producer.lpush(naming.listKey(queue, steps.stepFor(priority)), message);
                published.incrementAndGet();
            }
            pause(2);
        }
    }

    private void consume(double rate) {
        byte[][] keys = steps.steps().stream().map(s -> naming.listKey(queue, s)).toArray(byte[][]::new);
        long start = System.nanoTime();
        while (!stopConsuming) {
            if (consumed.get() >= (long) ((System.nanoTime() - start) / 1e9 * rate)) {
                pause(1); // the workers' capacity: faster than the producers, not infinitely fast
                continue;
            }
            KeyValue<byte[], byte[]> taken = consumer.brpop(0.2, keys);
            if (taken != null) {
                Long sent = sentNanos.remove(ByteBuffer.wrap(taken.getValue()));
                if (sent != null) {
                    waitSum.add((System.nanoTime() - sent) / 1e9);
                }
                consumed.incrementAndGet();
            }
        }
    }

    /** Stops publishing, and returns once every task published has been taken (or after 10 s). */
    public void stopAndDrain() throws InterruptedException {
        stopProducing = true;
        producerThread.join(5000);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (consumed.get() < published.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stopConsuming = true;
        consumerThread.join(5000);
    }

    public long published() {
        return published.get();
    }

    public long consumed() {
        return consumed.get();
    }

    /** Mean time the consumed tasks waited, seconds. */
    public double meanWait() {
        return consumed.get() == 0 ? 0 : waitSum.sum() / consumed.get();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopProducing = true;
        stopConsuming = true;
        try {
            if (producerThread != null) {
                producerThread.join(5000);
                consumerThread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        consumer.close();
    }
}
