package io.celeryexporter.bench;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.workers.GroupStats;
import io.celeryexporter.workers.WorkersConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;

/**
 * The worker side at 200 workers: what their heartbeats (every 2 s, as Celery 5.2.6 sends them) and a full unacked
 * hash (200 workers × 4 slots × prefetch 4) cost the exporter and the broker, against the same exporter without the
 * worker side. Writes {@code bench/HEARTBEATS.md}.
 *
 * <p>Usage: {@code bench/run.sh heartbeats [SECONDS]} (default 30 s per setup)
 */
@SuppressWarnings("deprecation") // Thread.getId: Java 17 has no threadId()
public final class HeartbeatBench {

    private static final int WORKERS = 200;
    private static final int GROUPS = 10;
    private static final int SLOTS = 4;
    private static final int PREFETCH = 4;
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final String QUEUE = "evaluation";
    private static final String K8S = "bcdfghjklmnpqrstvwxz2456789";

    private static String machine = "";

    record Row(String setup, double pollCpuMsPerPoll, double subscriptionCpuMsPerSecond, double pollP50Ms,
               double redisCpuPercent, long online, long unacked) {}

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30);
        List<Row> rows = new ArrayList<>();
        rows.add(measure("worker side off (--no-collector.workers)", false, false, run));
        rows.add(measure("worker side off, 3,200 reserved tasks", false, true, run));
        rows.add(measure("200 workers' heartbeats, nothing reserved", true, false, run));
        rows.add(measure("200 workers' heartbeats, 3,200 reserved tasks (each worker's prefetch full)", true, true,
                run));
        String report = report(rows, run);
        System.out.print(report);
        Files.writeString(Path.of("bench/HEARTBEATS.md"), report);
    }

    private static Row measure(String setup, boolean workers, boolean reserved, Duration run) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (RedisServer server = RedisServer.start(); RedisClient redis = server.client();
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(5))) {
            machine = Machine.describe(redis);
            CeleryRedis celery = new CeleryRedis(redis);
            celery.publish(QUEUE, 0, 100);
            if (reserved) {
                double now = System.currentTimeMillis() / 1000.0;
                for (int i = 0; i < WORKERS * SLOTS * PREFETCH; i++) {
                    celery.unacked("tag-" + i, CeleryRedis.unackedValue(celery.message(QUEUE, "tasks.evaluate", 0,
                            null), QUEUE), now - i % 60);
                }
            }
            ScheduledExecutorService beats = heartbeats(redis);
            ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.KOMBU_DEFAULT,
                    List.of(), POLL, Duration.ofSeconds(30))
                    .withWorkers(workers ? WorkersConfig.DEFAULT : WorkersConfig.OFF);
            RedisCost cost = new RedisCost(redis);
            try (Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(),
                    PollClock.system())) {
                PollResult last = poller.poll();
                Thread.sleep(5000); // a whole heartbeat window, and the decoder warm
                for (int i = 0; i < 3; i++) {
                    last = poller.poll();
                }
                long subscriptionBefore = subscriptionCpu(threads);
                RedisCost.Reading before = cost.read();
                long pollCpu = 0;
                List<Double> durations = new ArrayList<>();
                long end = System.nanoTime() + run.toNanos();
                long started = System.nanoTime();
                while (System.nanoTime() < end) {
                    long cpu = threads.getCurrentThreadCpuTime();
                    long t = System.nanoTime();
                    last = poller.poll();
                    durations.add((System.nanoTime() - t) / 1e6);
                    pollCpu += threads.getCurrentThreadCpuTime() - cpu;
                    Thread.sleep(POLL.toMillis());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                RedisCost.Reading after = cost.read();
                long subscription = subscriptionCpu(threads) - subscriptionBefore;
                Collections.sort(durations);
                long online = last.workers().groups().stream().mapToLong(GroupStats::online).sum();
                return new Row(setup, pollCpu / 1e6 / durations.size(), subscription / 1e6 / seconds,
                        durations.get(durations.size() / 2), (after.cpuMicros() - before.cpuMicros()) / 1e4 / seconds,
                        online, last.queues().get(0).reserved());
            } finally {
                beats.shutdownNow();
                beats.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Every worker's heartbeat every 2 s, spread over the interval, as the real envelope with its own name. */
    private static ScheduledExecutorService heartbeats(RedisClient redis) {
        String body = "{\"hostname\": \"%s\", \"utcoffset\": 0, \"pid\": 8196, \"clock\": 2, \"freq\": 2.0,"
                + " \"active\": 3, \"processed\": 0, \"loadavg\": [0.95, 0.57, 0.3], \"sw_ident\": \"py-celery\","
                + " \"sw_ver\": \"5.2.6\", \"sw_sys\": \"Linux\", \"x_worker_info\": {\"queues\": [\"" + QUEUE + "\"],"
                + " \"concurrency\": " + SLOTS + ", \"prefetch_multiplier\": " + PREFETCH + ", \"acks_late\": false},"
                + " \"timestamp\": 1796552462.1597822, \"type\": \"worker-heartbeat\"}";
        byte[] channel = "/0.celeryev/worker.heartbeat".getBytes(StandardCharsets.UTF_8);
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            String host = "celery@group" + (i % GROUPS) + "-7d9f8c6b5-" + suffix(i);
            String b64 = Base64.getEncoder().encodeToString(String.format(body, host)
                    .getBytes(StandardCharsets.UTF_8));
            envelopes.add(("{\"body\": \"" + b64 + "\", \"content-encoding\": \"utf-8\", \"content-type\":"
                    + " \"application/json\", \"headers\": {\"hostname\": \"" + host + "\"}, \"properties\":"
                    + " {\"delivery_mode\": 1, \"delivery_info\": {\"exchange\": \"celeryev\", \"routing_key\":"
                    + " \"worker.heartbeat\"}, \"priority\": 0, \"body_encoding\": \"base64\"}}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        long every = 2_000_000 / WORKERS; // µs between two workers' beats
        for (int i = 0; i < WORKERS; i++) {
            byte[] envelope = envelopes.get(i);
            beats.scheduleAtFixedRate(() -> redis.publish(channel, envelope), i * every, 2_000_000,
                    TimeUnit.MICROSECONDS);
        }
        return beats;
    }

    private static String suffix(int i) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < 5; k++) {
            s.append(K8S.charAt(i % K8S.length()));
            i /= K8S.length();
        }
        return s.toString();
    }

    /** CPU time of the subscription's thread so far, ns; 0 without one. */
    private static long subscriptionCpu(ThreadMXBean threads) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("celery-worker-events"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static String report(List<Row> rows, Duration run) {
        StringBuilder md = new StringBuilder();
        md.append("# The worker side at 200 workers\n\n")
                .append("Measured by `bench/run.sh heartbeats` (`HeartbeatBench`), ").append(run.toSeconds())
                .append(" s per setup, on ").append(machine).append(".\n\n")
                .append("200 workers in 10 groups each publish the envelope a Celery 5.2.6 worker publishes (with")
                .append(" `x_worker_info`), every 2 s, spread over the interval: 100 heartbeats a second. The")
                .append(" exporter polls one queue every 2 s. \"Reserved\" fills `unacked` and `unacked_index` as")
                .append(" 200 workers × 4 slots × prefetch 4 would: the most they can hold.\n\n")
                .append("| setup | workers online | reserved | exporter CPU per poll (ms) | subscription thread CPU")
                .append(" (ms/s) | poll p50 (ms) | Redis main thread CPU (%) |\n|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f |%n", r.setup(),
                    r.online(), r.unacked(), r.pollCpuMsPerPoll(), r.subscriptionCpuMsPerSecond(), r.pollP50Ms(),
                    r.redisCpuPercent()));
        }
        md.append("\nThe Redis figure includes the bench's own `PUBLISH`es of the heartbeats (which real workers")
                .append(" pay for anyway) and their fan-out to the exporter's subscription.\n");
        return md.toString();
    }
}
