package io.celeryexporter.bench;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.testing.CeleryRedis;
import io.celeryexporter.testing.RedisServer;
import io.celeryexporter.tracking.PollClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The queue-count axis: 10 to 10,000 queues of 20 tasks each on priority steps 0/3/6/9, read by this exporter, by one
 * {@code LLEN} per queue in sequence (celery-exporter's way), and by Debian's prometheus-redis-exporter with
 * {@code -check-keys}. For each: Redis time per read, the worst {@code PING} another client sees meanwhile, the scrape,
 * and memory. Writes {@code bench/QUEUES.md}.
 *
 * <p>Usage: {@code bench/run.sh queues [10,100,1000,10000]}
 */
@SuppressWarnings("deprecation") // SLOWLOG through sendCommand: UnifiedJedis has no typed SLOWLOG
public final class QueueCountBench {

    private static final int POLLS = 10;
    /** The JVM flags of the Deployment, with the heap its 256 MiB limit gives (MaxRAMPercentage=50 of 256 MiB). */
    static final String JVM = System.getProperty("bench.jvm",
            "-Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Xss512k");
    /** Extra exporter flags, e.g. --no-collector.wait-histogram. */
    static final String EXPORTER_FLAGS = System.getProperty("bench.flags", "");
    private static final int TASKS_PER_QUEUE = 20;
    private static final int[] STEPS = {0, 3, 6, 9};

    /**
     * @param redisMicrosPerRead server time of the reader's commands per read of every queue, a transaction once
     * @param cpuMicrosPerRead   Redis main-thread CPU per read: its commands, plus reading and answering the sockets
     */
    record Row(int queues, String reader, double redisMicrosPerRead, double cpuMicrosPerRead,
               long longestCommandMicros, String scrape, String memory) {
        double perQueueMicros() {
            return redisMicrosPerRead / queues;
        }

        double cpuPerQueueMicros() {
            return cpuMicrosPerRead / queues;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::parseInt).toList()
                : List.of(10, 100, 1000, 10000);
        List<Row> rows = new ArrayList<>();
        String machine;
        try (RedisServer redis = RedisServer.start("--maxmemory", "0"); RedisClient admin = redis.client()) {
            machine = Machine.describe(admin);
            for (int n : counts) {
                admin.flushAll();
                fill(admin, n);
                System.err.printf("%d queues filled%n", n);
                rows.add(exporter(redis, admin, n));
                rows.add(llenLoop(redis, admin, n));
                rows.add(redisExporter(redis, admin, n));
                rows.subList(rows.size() - 3, rows.size()).forEach(r -> System.err.println(r));
            }
        }
        Path out = Path.of("bench", "QUEUES.md");
        if (Boolean.getBoolean("bench.append") && Files.exists(out)) {
            Files.writeString(out, Files.readString(out) + table(rows, false));
        } else {
            Files.writeString(out, report(machine, rows));
        }
    }

    /** n queues with their bindings, 5 tasks on each of steps 0, 3, 6 and 9. */
    static void fill(RedisClient redis, int n) {
        CeleryRedis celery = new CeleryRedis(redis);
        KeyNaming naming = KeyNaming.withPrefix("");
        for (int from = 0; from < n; from += 500) {
            try (AbstractPipeline p = redis.pipelined()) {
                for (int q = from; q < Math.min(n, from + 500); q++) {
                    String queue = "tenant-" + q;
                    p.sadd(("_kombu.binding." + queue).getBytes(), (queue + "\u0006\u0016\u0006\u0016" + queue)
                            .getBytes());
                    for (int t = 0; t < TASKS_PER_QUEUE; t++) {
                        int step = STEPS[t % STEPS.length];
                        p.lpush(naming.listKey(queue, step), celery.message(queue, "tasks.evaluate", step, null));
                    }
                }
                p.sync();
            }
        }
    }

    private static Row exporter(RedisServer redis, RedisClient admin, int n) throws Exception {
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (RedisBroker broker = Brokers.connect(redis.url(), Duration.ofSeconds(10))) {
            Poller poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(),
                    PollClock.system());
            for (int i = 0; i < 3; i++) {
                poller.poll(); // discovery, first looks, refills
            }
            RedisCost cost = new RedisCost(admin);
            RedisCost.Reading before = cost.read();
            for (int i = 0; i < POLLS; i++) {
                poller.poll();
            }
            RedisCost.Reading after = cost.read();
            double perRead = perRead(before, after, RedisCost.TRANSACTION_READS);
            double cpuPerRead = cpuPerRead(before, after);
            System.err.printf("%d queues, µs per read by command: %s%n", n, after.usecSince(before, POLLS));
            long longest = longestCommand(redis, () -> {
                for (int i = 0; i < 3; i++) {
                    poller.poll();
                }
            });
            System.gc();
            double retained = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e6;
            System.err.printf("%d queues: about %.0f MB of heap in use with the poller's state%n", n, retained);
            String[] scrapeAndMemory = exporterProcess(redis, n);
            return new Row(n, "this exporter" + (EXPORTER_FLAGS.isBlank() ? "" : " " + EXPORTER_FLAGS), perRead,
                    cpuPerRead, longest, scrapeAndMemory[0], scrapeAndMemory[1]);
        }
    }

    /** The shaded jar as the container runs it (heap 75 % of 256 MiB): scrape time and size, RSS, still polling. */
    private static String[] exporterProcess(RedisServer redis, int n) throws Exception {
        int port = freePort();
        Path jar = Path.of("target", "celery-queue-exporter.jar");
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(JVM.split(" ")));
        command.addAll(List.of("-jar", jar.toString(), "--broker.url", redis.url(), "--web.listen-address",
                "127.0.0.1:" + port, "--poll-interval", n >= 10000 ? "2s" : "1s"));
        command.addAll(List.of(EXPORTER_FLAGS.isBlank() ? new String[0] : EXPORTER_FLAGS.split(" ")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "queue-bench-exporter.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String body = "";
            while (System.nanoTime() < deadline && !body.contains("celery_queue_length{queue_name=\"tenant-0\"}")
                    && p.isAlive()) {
                sleep(Duration.ofMillis(500));
                try {
                    body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                } catch (IOException notYet) {
                    body = "";
                }
            }
            sleep(Duration.ofSeconds(10)); // several polls at this size
            if (!p.isAlive()) {
                List<String> log = Files.readAllLines(Path.of("target", "queue-bench-exporter.log"));
                return new String[] {"none: the process ended", "exited: " + log.get(log.size() - 1)};
            }
            double pollingCpuPerSecond = cpuMillisPerSecondIdle(p.pid());
            Scrapes cold;
            Scrapes coldGzip;
            Scrapes warm;
            Scrapes warmGzip;
            double cpuPerScrape;
            try {
                cold = Scrapes.time(metrics, false);
                coldGzip = Scrapes.time(metrics, true); // as Prometheus asks for it
                long warmUpEnd = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                for (int i = 0; i < 200 && System.nanoTime() < warmUpEnd; i++) {
                    Scrapes.once(metrics, i % 2 == 0);
                }
                long cpuBefore = cpuMillis(p.pid());
                long wallBefore = System.nanoTime();
                warm = Scrapes.time(metrics, false);
                warmGzip = Scrapes.time(metrics, true);
                double seconds = (System.nanoTime() - wallBefore) / 1e9;
                cpuPerScrape = (cpuMillis(p.pid()) - cpuBefore - pollingCpuPerSecond * seconds)
                        / (2 * Scrapes.COUNT);
            } catch (IOException died) {
                p.waitFor();
                List<String> log = Files.readAllLines(Path.of("target", "queue-bench-exporter.log"));
                return new String[] {"none: the process ended while scraped", "exited: " + log.get(log.size() - 1)};
            }
            String ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200 ? "ready" : "NOT READY";
            long series = body.lines().filter(l -> !l.startsWith("#")).count();
            return new String[] {String.format(Locale.ROOT,
                    "p50 %.1f ms, gzipped %.1f ms; warm p50 %.1f ms, gzipped %.1f ms, %.1f ms CPU; %.1f MB (%.2f MB"
                            + " gzipped), %d series", cold.p50Millis(), coldGzip.p50Millis(), warm.p50Millis(),
                    warmGzip.p50Millis(), cpuPerScrape, warm.bytes() / 1e6, warmGzip.bytes() / 1e6, series),
                    String.format(Locale.ROOT, "RSS %.0f MB, %s, alive: %s",
                    rssMegabytes(p.pid()), ready, p.isAlive())};
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private static Row llenLoop(RedisServer redis, RedisClient admin, int n) throws Exception {
        RedisCost cost = new RedisCost(admin);
        AtomicLong wall = new AtomicLong();
        try (RedisClient client = redis.client()) {
            Runnable read = () -> {
                long start = System.nanoTime();
                for (int i = 0; i < POLLS; i++) {
                    for (int q = 0; q < n; q++) {
                        client.llen("tenant-" + q);
                    }
                }
                wall.set(System.nanoTime() - start);
            };
            RedisCost.Reading before = cost.read();
            read.run();
            RedisCost.Reading after = cost.read();
            double perRead = perRead(before, after, Set.of());
            double cpuPerRead = cpuPerRead(before, after);
            long longest = longestCommand(redis, read);
            return new Row(n, "LLEN per queue, in sequence", perRead, cpuPerRead, longest,
                    String.format(Locale.ROOT, "one read: %.1f ms; misses steps 3, 6, 9", wall.get() / 1e6 / POLLS),
                    "n/a");
        }
    }

    private static Row redisExporter(RedisServer redis, RedisClient admin, int n)
            throws Exception {
        int port = freePort();
        Process p = new ProcessBuilder("prometheus-redis-exporter", "-redis.addr", "redis://127.0.0.1:" + redis.port(),
                "-web.listen-address", "127.0.0.1:" + port, "-check-keys", "tenant-*")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            sleep(Duration.ofSeconds(2));
            RedisCost cost = new RedisCost(admin);
            double[] millis = new double[POLLS];
            int[] bytes = new int[1];
            Runnable scrapes = () -> {
                for (int i = 0; i < POLLS; i++) {
                    long start = System.nanoTime();
                    try {
                        bytes[0] = http.send(HttpRequest.newBuilder(metrics).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).body().length;
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
            };
            RedisCost.Reading before = cost.read();
            scrapes.run();
            RedisCost.Reading after = cost.read();
            double perRead = perRead(before, after, Set.of());
            double cpuPerRead = cpuPerRead(before, after);
            long longest = longestCommand(redis, scrapes);
            Arrays.sort(millis);
            return new Row(n, "prometheus-redis-exporter -check-keys", perRead, cpuPerRead, longest,
                    String.format(Locale.ROOT, "p50 %.1f ms, %.1f MB; base lists only", millis[POLLS / 2],
                            bytes[0] / 1e6), String.format(Locale.ROOT, "RSS %.0f MB", rssMegabytes(p.pid())));
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /**
     * Runs the work while the server logs every command it runs (SLOWLOG with no threshold); returns the longest
     * single command, a transaction counting as one, in µs: what every other client waits behind. Redis time is
     * measured in a separate run, since logging every command costs time of its own.
     */
    static long longestCommand(RedisServer redis, Runnable work) {
        try (RedisClient admin = redis.client()) {
            admin.configSet("slowlog-log-slower-than", "0");
            admin.configSet("slowlog-max-len", "1000000");
            admin.sendCommand(Protocol.Command.SLOWLOG, "RESET");
            work.run();
            long longest = 0;
            // each entry: id, time, duration in µs, [command, args...], client address, client name
            for (Object raw : (List<?>) admin.sendCommand(Protocol.Command.SLOWLOG, "GET", "1000000")) {
                List<?> entry = (List<?>) raw;
                List<?> args = (List<?>) entry.get(3);
                String command = args.isEmpty() ? "" : new String((byte[]) args.get(0)).toLowerCase(Locale.ROOT);
                if (!command.equals("slowlog") && !command.equals("config") && !command.equals("info")) {
                    longest = Math.max(longest, (Long) entry.get(2));
                }
            }
            admin.configSet("slowlog-log-slower-than", "10000");
            return longest;
        }
    }

    private static double perRead(RedisCost.Reading before, RedisCost.Reading after, Set<String> nested) {
        return (double) (after.commandMicros(nested) - before.commandMicros(nested)) / POLLS;
    }

    private static double cpuPerRead(RedisCost.Reading before, RedisCost.Reading after) {
        return (double) (after.cpuMicros() - before.cpuMicros()) / POLLS;
    }

    /**
     * {@value #COUNT} scrapes one after the other, each by curl: the median time from request to last byte, and the
     * last size. A native client, as Prometheus is, so that the figure is the exporter's and not a client's JIT.
     */
    record Scrapes(double p50Millis, long bytes) {
        static final int COUNT = 20;

        static Scrapes time(URI metrics, boolean gzip) throws IOException, InterruptedException {
            double[] millis = new double[COUNT];
            long bytes = 0;
            for (int i = 0; i < COUNT; i++) {
                String[] timeAndSize = once(metrics, gzip).split(" ");
                millis[i] = Double.parseDouble(timeAndSize[0]) * 1000;
                bytes = Long.parseLong(timeAndSize[1]);
            }
            Arrays.sort(millis);
            return new Scrapes(millis[COUNT / 2], bytes);
        }

        /** One scrape; curl's "time_total size_download". */
        static String once(URI metrics, boolean gzip) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-o", "/dev/null",
                    "-w", "%{time_total} %{size_download}"));
            if (gzip) {
                command.addAll(List.of("-H", "Accept-Encoding: gzip"));
            }
            command.add(metrics.toString());
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!curl.waitFor(70, TimeUnit.SECONDS)) {
                curl.destroyForcibly();
                throw new IOException("curl did not finish: " + metrics);
            }
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (curl.exitValue() != 0) {
                throw new IOException("curl: " + out);
            }
            return out;
        }
    }

    /** The process's user and system CPU so far, in ms (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime
    }

    /** What polling alone costs the process, in CPU ms per second, over five seconds without scrapes. */
    private static double cpuMillisPerSecondIdle(long pid) throws IOException {
        long before = cpuMillis(pid);
        long start = System.nanoTime();
        sleep(Duration.ofSeconds(5));
        return (cpuMillis(pid) - before) / ((System.nanoTime() - start) / 1e9);
    }

    private static double rssMegabytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String report(String machine, List<Row> rows) {
        StringBuilder out = new StringBuilder("""
                # Thousands of queues

                Written by `bench/run.sh queues`. Each queue holds 20 tasks, 5 on each of kombu's priority steps 0, 3,
                6 and 9; the exporter reads all ten steps (its default). Redis time is the server's own time in the
                reader's commands (`INFO commandstats`, less the bench's INFO and PING) per read of every queue. A
                transaction counts once: Redis adds the time of the commands inside it to `EXEC` and also lists them
                on their own lines, so those lines are left out for this exporter (revisions of this file before
                2026-11-30 counted them twice). Redis CPU is the server's main thread (`used_cpu_sys_main_thread` plus
                `used_cpu_user_main_thread`): the commands plus reading and answering the sockets, which is most of
                what one command per round trip costs. The longest command is the longest single
                command (a transaction counts as one) the server ran during three more reads, from its SLOWLOG with
                no threshold: what every other client (workers' BRPOP, producers) waits behind. This exporter's scrape,
                series and memory are those of the shaded jar with the Deployment's JVM flags and the heap they give
                under its 256 MiB limit (50 %), after 10 s of polling. A scrape is timed from request to last byte by
                curl (a native client, as Prometheus is), the median of 20: first of the plain text, then gzipped as Prometheus asks for
                it, 15 s after the exporter started, so with its JIT still cold; "warm" after up to 200 more scrapes
                (20 s at most), as a scraped exporter soon is. CPU is the exporter process's CPU time per warm scrape
                (from /proc, in ticks of 10 ms), less what polling alone took per second in the 5 s before;
                unlike the times, it does not count waiting for a core. RSS is measured here on glibc; the image runs
                on musl.

                """);
        out.append("Machine: ").append(machine).append("\n\n");
        out.append("The exporter runs with the Deployment's JVM flags: `").append(JVM).append("`.\n\n");
        return out.append(table(rows, true)).toString();
    }

    private static String table(List<Row> rows, boolean header) {
        StringBuilder out = new StringBuilder();
        if (header) {
            out.append("| queues | reader | Redis time per read | per queue | Redis CPU per read | per queue "
                    + "| longest command | scrape | memory |\n");
            out.append("|---|---|---|---|---|---|---|---|---|\n");
        }
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT,
                    "| %,d | %s | %,.0f µs | %.1f µs | %,.0f µs | %.1f µs | %,d µs | %s | %s |%n",
                    r.queues(), r.reader(), r.redisMicrosPerRead(), r.perQueueMicros(), r.cpuMicrosPerRead(),
                    r.cpuPerQueueMicros(), r.longestCommandMicros(), r.scrape(), r.memory()));
        }
        return out.toString();
    }
}
