package io.celeryexporter.load;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageEncoder;
import io.celeryexporter.celery.OutgoingTask;
import io.celeryexporter.celery.PrioritySteps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Publishes Celery messages into Redis exactly as a Celery producer does (LPUSH into the priority sub-list, and the
 * queue's binding declared), and optionally drains them as workers do (BRPOP, highest priority list first).
 */
public final class LoadGenerator {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final int PIPELINE_BATCH = 1000;

    private final UnifiedJedis redis;
    private final LoadSettings settings;
    private final KeyNaming naming;
    private final PrioritySteps steps;
    private final MessageEncoder encoder;
    private final String payload;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();

    public LoadGenerator(UnifiedJedis redis, LoadSettings settings, PrioritySteps steps) {
        this.redis = redis;
        this.settings = settings;
        this.naming = KeyNaming.withPrefix(settings.keyPrefix());
        this.steps = steps;
        this.encoder = new MessageEncoder("load@" + hostName());
        this.payload = "x".repeat(settings.payloadBytes());
    }

    public record Progress(long published, long consumed, long depth, double elapsedSeconds) {}

    /** Asks a running {@link #run} to stop at its next tick. */
    public void stop() {
        stop.set(true);
    }

    /** Fills, then publishes and consumes for the configured duration; reports progress about once a second. */
    public Progress run(Consumer<Progress> progress) throws InterruptedException {
        declareQueue();
        long start = System.nanoTime();
        if (settings.fill() > 0) {
            fill(settings.fill(), progress, start);
        }
        Thread consumer = null;
        if (settings.consumeRate() > 0) {
            consumer = new Thread(this::consume, "load-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }
        long runStart = System.nanoTime();
        double target = 0;
        Duration previous = Duration.ZERO;
        long nextReport = 0;
        while (!stop.get()) {
            Duration now = Duration.ofNanos(System.nanoTime() - runStart);
            Duration elapsed = now.compareTo(settings.duration()) < 0 ? now : settings.duration();
            // integrate the rate over the time that really passed, so a slow tick does not lower the rate
            target += settings.profile().rateAt(settings.rate(), elapsed, settings.duration())
                    * (elapsed.minus(previous).toNanos() / 1e9);
            previous = elapsed;
            long due = Math.round(target) - published.get() + settings.fill();
            if (due > 0) {
                publish(due);
            }
            if (elapsed.equals(settings.duration())) {
                break;
            }
            if (elapsed.toMillis() >= nextReport) {
                progress.accept(progress(start));
                nextReport += 1000;
            }
            Thread.sleep(TICK.toMillis());
        }
        stop.set(true);
        if (consumer != null) {
            consumer.join(2000);
        }
        Progress last = progress(start);
        progress.accept(last);
        return last;
    }

    private void fill(long count, Consumer<Progress> progress, long start) {
        long nextReport = System.nanoTime();
        while (published.get() < count && !stop.get()) {
            publish(Math.min(PIPELINE_BATCH * 10L, count - published.get()));
            if (System.nanoTime() >= nextReport) {
                progress.accept(progress(start));
                nextReport = System.nanoTime() + 1_000_000_000L;
            }
        }
    }

    private void publish(long count) {
        long left = count;
        while (left > 0) {
            int batch = (int) Math.min(left, PIPELINE_BATCH);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = 0; i < batch; i++) {
                    long n = published.get() + i;
                    int priority = settings.priorities().get((int) (n % settings.priorities().size()));
                    String name = settings.taskNames().get((int) (n % settings.taskNames().size()));
                    String id = UUID.randomUUID().toString();
                    List<Object> args = settings.payloadBytes() > 0 ? List.of(n, payload) : List.of(n);
                    byte[] message = encoder.encode(
                            new OutgoingTask(settings.queue(), name, id, args, Map.of(), priority, null, Map.of()));
                    pipeline.lpush(naming.listKey(settings.queue(), steps.stepFor(priority)), message);
                }
                pipeline.sync();
            }
            published.addAndGet(batch);
            left -= batch;
        }
    }

    /** Takes tasks at the consume rate, as workers do: BRPOP over the priority lists, step 0 first. */
    private void consume() {
        byte[][] keys = consumeOrder();
        long start = System.nanoTime();
        while (!stop.get()) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            long due = (long) (elapsed * settings.consumeRate()) - consumed.get();
            for (long i = 0; i < due && !stop.get(); i++) {
                if (redis.brpop(0.1, keys) == null) {
                    break;
                }
                consumed.incrementAndGet();
            }
            try {
                Thread.sleep(TICK.toMillis() / 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private byte[][] consumeOrder() {
        List<byte[]> keys = new ArrayList<>();
        for (int step : steps.steps()) {
            keys.add(naming.listKey(settings.queue(), step));
        }
        return keys.toArray(new byte[0][]);
    }

    private void declareQueue() {
        String member = settings.queue() + naming.separator() + naming.separator() + settings.queue();
        redis.sadd((naming.prefix() + "_kombu.binding." + settings.queue()).getBytes(StandardCharsets.UTF_8),
                member.getBytes(StandardCharsets.UTF_8));
    }

    private Progress progress(long startNanos) {
        long depth = 0;
        for (byte[] key : consumeOrder()) {
            depth += redis.llen(key);
        }
        return new Progress(published.get(), consumed.get(), depth, (System.nanoTime() - startNanos) / 1e9);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
