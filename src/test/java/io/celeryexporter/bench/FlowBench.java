package io.celeryexporter.bench;

import io.celeryexporter.broker.ListEventSubscriber;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.load.LoadGenerator;
import io.celeryexporter.load.LoadSettings;
import io.celeryexporter.load.RateProfile;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.HealthyTraffic;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.RedisClient;

/**
 * Flows at the normal operating point: arrivals, departures and waits of a queue that workers keep nearly empty,
 * counted from snapshots and from keyspace notifications, against the truth the traffic logged; and what the
 * notifications cost the Redis server. Writes {@code bench/FLOWS.md}.
 *
 * <p>Usage: {@code bench/run.sh flows [SECONDS]} (default 30 s per run; about three minutes in all)
 */
@SuppressWarnings("deprecation") // CONFIG RESETSTAT through sendCommand: UnifiedJedis has no typed one
public final class FlowBench {

    private static final Duration POLL = Duration.ofSeconds(1);

    /** @param loadCommand driven by the {@code load} command's generator instead of {@link HealthyTraffic} */
    record Scenario(String name, double in, double out, List<Integer> priorities, boolean loadCommand) {}

    record Row(Scenario scenario, String flows, long published, long consumed, QueueWait counted, double truthMean) {}

    record Cost(int opsPerSecond, String setup, double cpuPercent, double lpushMicros, double rpopMicros,
                long eventsPerSecond) {}

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30);
        List<Scenario> scenarios = List.of(
                new Scenario("`load --rate 100 --consume-rate 120` (the issue's reproduction)", 100, 120, List.of(0),
                        true),
                new Scenario("100/s in, workers blocked in BRPOP able to take 120/s", 100, 120, List.of(0), false),
                new Scenario("200/s in over priorities 0/3/9, workers able to take 240/s", 200, 240, List.of(0, 3, 9),
                        false));
        List<Row> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (String flags : List.of("", "El")) {
                rows.add(flowRun(s, flags, run));
                System.out.println(rows.get(rows.size() - 1));
            }
        }
        List<Cost> costs = new ArrayList<>();
        for (int ops : List.of(1000, 10000)) {
            costs.add(cost(ops, "", false));
            costs.add(cost(ops, "El", false));
            costs.add(cost(ops, "El", true));
            costs.forEach(System.out::println);
        }
        String machine;
        try (RedisServer server = RedisServer.start(); RedisClient client = server.client()) {
            machine = Machine.describe(client);
        }
        Path out = Path.of("bench", "FLOWS.md");
        Files.writeString(out, report(machine, rows, costs, run));
        System.out.println("wrote " + out);
    }

    private static Row flowRun(Scenario s, String notifyFlags, Duration run) throws Exception {
        PrioritySteps steps = PrioritySteps.KOMBU_DEFAULT;
        KeyNaming naming = KeyNaming.withPrefix("");
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", notifyFlags)) {
            ExporterConfig config = new ExporterConfig(naming, steps, List.of("bench"), POLL, Duration.ofSeconds(30),
                    ExporterConfig.TaskBreakdownConfig.OFF).withFlows(ExporterConfig.Flows.AUTO);
            try (RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2));
                 Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(),
                         PollClock.system());
                 HealthyTraffic traffic = new HealthyTraffic(server.url(), "bench", naming, steps, s.priorities());
                 RedisClient loadClient = server.client()) {
                poller.poll();
                LoadGenerator load = new LoadGenerator(loadClient, new LoadSettings("bench", List.of("tasks.evaluate"),
                        s.in(), RateProfile.CONSTANT, run, s.out(), s.priorities(), 0, 0, ""), steps);
                Thread loadThread = null;
                AtomicReference<LoadGenerator.Progress> loadResult = new AtomicReference<>();
                if (s.loadCommand()) {
                    loadThread = new Thread(() -> {
                        try {
                            loadResult.set(load.run(p -> { }));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "bench-load");
                    loadThread.start();
                } else {
                    traffic.start(s.in(), s.out());
                }
                long end = System.nanoTime() + run.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(POLL.toMillis());
                    poller.poll();
                }
                if (loadThread != null) {
                    loadThread.join();
                } else {
                    traffic.stopAndDrain();
                }
                Thread.sleep(POLL.toMillis());
                poller.poll();
                Thread.sleep(POLL.toMillis());
                PollResult last = poller.poll();
                String flows = notifyFlags.isEmpty() ? "snapshots (notifications off)" : "keyspace events";
                if (loadThread != null) {
                    return new Row(s, flows, loadResult.get().published(), loadResult.get().consumed(),
                            last.queues().get(0).waiting(), Double.NaN);
                }
                return new Row(s, flows, traffic.published(), traffic.consumed(), last.queues().get(0).waiting(),
                        traffic.meanWait());
            }
        }
    }

    /** Redis main-thread CPU and per-call time of LPUSH and RPOP at a steady rate of both, for 10 s. */
    private static Cost cost(int opsPerSecond, String notifyFlags, boolean subscriber) throws Exception {
        try (RedisServer server = RedisServer.start("--notify-keyspace-events", notifyFlags);
             RedisClient admin = server.client();
             RedisBroker broker = Brokers.connect(server.url() + "/0", Duration.ofSeconds(2))) {
            ListEventSubscriber events = null;
            if (subscriber) {
                events = broker.subscribeToListEvents(ListEventSubscriber.Channels.KEYEVENT,
                        KeyNaming.withPrefix("").keyPattern(),
                        () -> System.nanoTime() / 1e9);
                events.watch(Set.of("cost"));
                events.awaitSubscribed(Duration.ofSeconds(2));
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread pusher = steady(server, opsPerSecond / 2.0, stop, true);
            Thread popper = steady(server, opsPerSecond / 2.0, stop, false);
            Thread.sleep(2000); // warm up, then measure
            if (events != null) {
                events.drain();
            }
            admin.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG, "RESETSTAT");
            double cpuBefore = mainThreadCpu(admin);
            long start = System.nanoTime();
            long drained = 0;
            while (System.nanoTime() - start < 10_000_000_000L) {
                Thread.sleep(200);
                if (events != null) {
                    drained += events.drain().size();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (mainThreadCpu(admin) - cpuBefore) / seconds * 100;
            Map<String, Double> perCall = perCallMicros(admin);
            stop.set(true);
            pusher.join();
            popper.join();
            if (events != null) {
                events.close();
            }
            return new Cost(opsPerSecond, notifyFlags.isEmpty() ? "notifications off"
                    : subscriber ? "on (\"El\"), the exporter subscribed" : "on (\"El\"), nobody subscribed",
                    cpu, perCall.getOrDefault("lpush", 0.0), perCall.getOrDefault("rpop", 0.0),
                    Math.round(drained / seconds));
        }
    }

    private static Thread steady(RedisServer server, double perSecond, AtomicBoolean stop, boolean push) {
        Thread t = new Thread(() -> {
            try (RedisClient client = server.client()) {
                byte[] element = "x".repeat(800).getBytes();
                long start = System.nanoTime();
                long done = 0;
                while (!stop.get()) {
                    long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                    for (; done < due && !stop.get(); done++) {
                        if (push) {
                            client.lpush("cost".getBytes(), element);
                        } else {
                            client.rpop("cost".getBytes());
                        }
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, push ? "cost-push" : "cost-pop");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** used_cpu_sys_main_thread + used_cpu_user_main_thread, seconds (Redis 7). */
    private static double mainThreadCpu(RedisClient admin) {
        double total = 0;
        for (String line : admin.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys_main_thread:") || line.startsWith("used_cpu_user_main_thread:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return total;
    }

    private static Map<String, Double> perCallMicros(RedisClient admin) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("usec_per_call=")) {
                        out.put(name, Double.parseDouble(field.substring("usec_per_call=".length())));
                    }
                }
            }
        }
        return out;
    }

    private static String millis(double seconds) {
        return String.format(Locale.ROOT, "%.2f ms", seconds * 1000);
    }

    private static String report(String machine, List<Row> rows, List<Cost> costs, Duration run) {
        StringBuilder md = new StringBuilder();
        md.append("# Flows at the normal operating point\n\n");
        md.append("Measured by `bench/run.sh flows` (`src/test/java/io/celeryexporter/bench/FlowBench.java`) on ")
                .append(machine).append(".\n\n");
        md.append("A producer publishes one `LPUSH` per task, as Celery does; workers that are faster take them with"
                + " `BRPOP` over the priority lists, so the queue is empty at nearly every poll: the normal, healthy"
                + " state. The exporter polls every second. The truth is what the traffic logged: tasks published,"
                + " tasks taken, and each task's wait (taken − published). Each run lasts ").append(run.toSeconds())
                .append(" s, then the workers drain what is left.\n\n");
        md.append("| traffic | counted from | published | enqueued counted | taken | dequeued counted | histogram"
                + " count | mean wait, truth | mean wait, exporter | `counts_exact` |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            QueueWait w = r.counted();
            double mean = w.waits().count() == 0 ? 0 : w.waits().sum() / w.waits().count();
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d (%.1f %%) | %,d | %,d (%.1f %%) | %,d |"
                            + " %s | %s | %d |%n",
                    r.scenario().name(), r.flows(), r.published(), w.enqueued(), 100.0 * w.enqueued() / r.published(),
                    r.consumed(), w.dequeued(), 100.0 * w.dequeued() / r.consumed(), w.waits().count(),
                    Double.isNaN(r.truthMean()) ? "not logged" : millis(r.truthMean()),
                    w.waits().count() == 0 ? "no waits" : millis(mean), w.countsExact() ? 1 : 0));
        }
        md.append("\nWithout notifications the counters are lower bounds (`celery_queue_counts_exact` 0) and the"
                + " histogram holds only the tasks that were still queued at a poll, so its mean leans long. With"
                + " them, every push and pop is counted and each wait is measured between the two events, as the broker saw"
                + " them; the truth also holds the clients' round trips, so it runs a fraction of a millisecond"
                + " longer.\n\n");
        md.append("## What the notifications cost Redis\n\n");
        md.append("`LPUSH` and `RPOP` of an 800-byte element on one list, half the operations each, at a steady rate"
                + " for 10 s after 2 s of warm-up. CPU is the server's main thread (`used_cpu_*_main_thread`) per"
                + " second of wall time; per-call times are `INFO commandstats`, which include publishing the"
                + " notification.\n\n");
        md.append("| operations/s | notifications | Redis main-thread CPU | LPUSH µs/call | RPOP µs/call |"
                + " events/s the exporter received |\n");
        md.append("|---:|---|---:|---:|---:|---:|\n");
        for (Cost c : costs) {
            md.append(String.format(Locale.ROOT, "| %,d | %s | %.1f %% | %.2f | %.2f | %s |%n", c.opsPerSecond(),
                    c.setup(), c.cpuPercent(), c.lpushMicros(), c.rpopMicros(),
                    c.setup().contains("subscribed") && !c.setup().contains("nobody")
                            ? String.format(Locale.ROOT, "%,d", c.eventsPerSecond()) : "—"));
        }
        md.append("\nThe cost grows with the number of list operations, not with depth or the number of queues;"
                + " each subscriber is sent its own copy of every event. Every list of the database is announced, also"
                + " those the exporter does not watch (it drops them on receipt).\n");
        return md.toString();
    }
}
