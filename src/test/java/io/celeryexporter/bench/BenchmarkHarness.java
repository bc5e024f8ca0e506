package io.celeryexporter.bench;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.web.ListenAddress;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.load.LoadGenerator;
import io.celeryexporter.load.LoadSettings;
import io.celeryexporter.load.RateProfile;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.QueueWait;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Measures this exporter against the two approaches users would otherwise choose, in one run on one Redis, for each
 * queue depth, with steady arrivals and departures. Writes a Markdown report and an SVG chart.
 *
 * <p>Usage: {@code bench/run.sh [--depths 1000,100000,1000000] [--polls 10] [--out bench]}
 */
public final class BenchmarkHarness {

    static final String QUEUE = "evaluation";
    /** A full scan of a deep queue blocks Redis for seconds: every client here must wait that long. */
    private static final Duration SLOW = Duration.ofSeconds(120);

    record Options(List<Long> depths, int polls, Duration interval, double rate, Path out, int scrapes,
                   long fillCheck) {

        static Options parse(String... args) {
            List<Long> depths = List.of(1_000L, 100_000L, 1_000_000L);
            int polls = 10;
            Duration interval = Duration.ofSeconds(1);
            double rate = 100;
            Path out = Path.of("bench");
            int scrapes = 1000;
            long fillCheck = 1_000_000;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--depths" -> depths = java.util.Arrays.stream(args[i + 1].split(","))
                            .map(Long::parseLong).toList();
                    case "--polls" -> polls = Integer.parseInt(args[i + 1]);
                    case "--interval-ms" -> interval = Duration.ofMillis(Long.parseLong(args[i + 1]));
                    case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                    case "--out" -> out = Path.of(args[i + 1]);
                    case "--scrapes" -> scrapes = Integer.parseInt(args[i + 1]);
                    case "--fill-check" -> fillCheck = Long.parseLong(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(depths, polls, interval, rate, out, scrapes, fillCheck);
        }
    }

    /** Medians over the measured polls of one approach at one depth. */
    record Measurement(String approach, long depth, double serverMicros, double bytes, double cpuMicros,
                       double wallMillis) {}

    /** This exporter's extra figures at one depth. */
    record ExporterFigures(long depth, double p50Millis, double p99Millis, double heapBytes, double breakdownHeapBytes,
                           double maxOldestError, double maxAverageError) {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = run(options);
        report.write(options.out());
        System.out.println("wrote " + options.out().resolve("RESULTS.md") + " and redis-cost.svg");
    }

    static Report run(Options options) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        List<ExporterFigures> figures = new ArrayList<>();
        try (RedisServer server = RedisServer.start(); RedisClient admin = server.client(SLOW)) {
            String url = server.url();
            for (long depth : options.depths()) {
                progress("depth " + depth + ": filling");
                admin.flushAll();
                TruthLog truth = new TruthLog();
                RedisClient trafficClient = server.client(SLOW);
                Traffic traffic = new Traffic(trafficClient, QUEUE, truth);
                double baselineHeap = usedHeapAfterGc();
                ExporterApproach ours = new ExporterApproach(url, QUEUE, false);
                ours.poll(); // sees the empty queue first, so nothing is a lower bound
                fillWhilePolling(ours, traffic, depth);
                traffic.startSteady(options.rate());
                RedisCost cost = new RedisCost(admin);
                List<Approach> approaches = List.of(ours, new LlenOnlyApproach(admin, QUEUE),
                        new LlenEveryStepApproach(admin, QUEUE), new FullScanApproach(admin, QUEUE));
                double maxOldestError = 0;
                double maxAverageError = 0;
                for (Approach approach : approaches) {
                    int polls = approach instanceof FullScanApproach && depth >= 1_000_000 ? 3 : options.polls();
                    progress("depth " + depth + ": " + approach.name() + ", " + polls + " polls");
                    List<double[]> samples = new ArrayList<>();
                    for (int i = 0; i < polls; i++) {
                        Thread.sleep(options.interval().toMillis());
                        samples.add(measure(approach, cost));
                        if (approach == ours) {
                            PollResult r = ours.last();
                            QueueWait w = r.queues().get(0).waiting();
                            maxOldestError = Math.max(maxOldestError,
                                    Math.abs(w.oldestAge() - truth.oldestAge(r.takenAtEpochSeconds())));
                            maxAverageError = Math.max(maxAverageError,
                                    Math.abs(w.averageWait() - truth.averageWait(r.takenAtEpochSeconds())));
                        }
                    }
                    measurements.add(new Measurement(approach.name(), depth, median(samples, 0), median(samples, 1),
                            median(samples, 2), median(samples, 3)));
                }
                double heap = usedHeapAfterGc() - baselineHeap;
                progress("depth " + depth + ": /metrics latency");
                double[] latency = scrapeLatency(url, options.scrapes());
                progress("depth " + depth + ": heap with --task-breakdown");
                double breakdownHeap = breakdownHeap(url);
                figures.add(new ExporterFigures(depth, latency[0], latency[1], heap, breakdownHeap, maxOldestError,
                        maxAverageError));
                traffic.close();
                trafficClient.close();
                ours.close();
            }
            progress("load --fill " + options.fillCheck() + ": timing");
            double fillSeconds = timeLoadFill(server, options.fillCheck());
            return new Report(options, measurements, figures, fillSeconds, Machine.describe(admin));
        }
    }

    /** Seconds {@code load --fill N} takes (the product's own pipelined path), into a queue deleted afterwards. */
    private static double timeLoadFill(RedisServer server, long count) throws InterruptedException {
        try (RedisClient client = server.client(SLOW)) {
            long start = System.nanoTime();
            new LoadGenerator(client, new LoadSettings("fill-timing", List.of("tasks.evaluate"), 0,
                    RateProfile.CONSTANT, Duration.ZERO, 0, List.of(0), 400, count, ""), PrioritySteps.KOMBU_DEFAULT)
                    .run(p -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            if (client.llen("fill-timing") != count) {
                throw new IllegalStateException("load --fill did not reach " + count);
            }
            client.del("fill-timing");
            return seconds;
        }
    }

    /** Fills the queue while this exporter polls every second, as it would in production. */
    private static void fillWhilePolling(ExporterApproach ours, Traffic traffic, long depth) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(1000);
                    ours.poll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-poller");
        t.setDaemon(true);
        t.start();
        traffic.fill(depth);
        t.interrupt();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double[] measure(Approach approach, RedisCost cost) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RedisCost.Reading before = cost.read();
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        approach.poll();
        long wallNanos = System.nanoTime() - wall;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
        RedisCost.Reading after = cost.read();
        double usec = after.usecOf(approach.commands()) - before.usecOf(approach.commands());
        return new double[] {usec, cost.bytesBetween(before, after), cpuNanos / 1000.0, wallNanos / 1e6};
    }

    /** p50 and p99 of {@code /metrics} served by a running exporter, in milliseconds. */
    private static double[] scrapeLatency(String url, int scrapes) throws Exception {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(QUEUE),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (Exporter exporter = Exporter.start(Brokers.connect(url, SLOW), url, config, new MessageDecoder(List.of()),
                ListenAddress.parse("127.0.0.1:0"), "bench")) {
            HttpClient client = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + exporter.address().getPort() + "/metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!exporter.state().isReady() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < scrapes + 100; i++) {
                long start = System.nanoTime();
                HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("/metrics answered " + r.statusCode());
                }
                if (i >= 100) { // the first 100 warm the JIT up
                    millis.add((System.nanoTime() - start) / 1e6);
                }
            }
            Collections.sort(millis);
            return new double[] {percentile(millis, 0.50), percentile(millis, 0.99)};
        }
    }

    /** Retained heap of this exporter's state with --task-breakdown, after its counts are built. */
    private static double breakdownHeap(String url) {
        double before = usedHeapAfterGc();
        ExporterApproach withBreakdown = new ExporterApproach(url, QUEUE, true);
        withBreakdown.poll();
        withBreakdown.poll();
        double after = usedHeapAfterGc();
        if (withBreakdown.last().queues().get(0).tasksByName().isEmpty()) {
            throw new IllegalStateException("the task breakdown did not complete");
        }
        withBreakdown.close();
        return after - before;
    }

    static double usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double median(List<double[]> samples, int column) {
        List<Double> values = new ArrayList<>();
        samples.forEach(s -> values.add(s[column]));
        Collections.sort(values);
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void progress(String what) {
        System.err.println("[bench] " + what);
    }

    /** Results by approach and depth, in insertion order. */
    static Map<String, Map<Long, Measurement>> byApproach(List<Measurement> measurements) {
        Map<String, Map<Long, Measurement>> out = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            out.computeIfAbsent(m.approach(), a -> new LinkedHashMap<>()).put(m.depth(), m);
        }
        return out;
    }
}
