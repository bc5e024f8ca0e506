package io.celeryexporter.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Drives the real Celery client (Debian's python3-celery, in the system Python) with the scripts in
 * {@code src/test/resources/celery}.
 */
public final class CeleryPython implements AutoCloseable {

    private static final String PYTHON = "/usr/bin/python3";
    private static final List<String> SCRIPTS =
            List.of("celery_app.py", "publish.py", "inspect_worker.py", "produce_timed.py", "restore.py");

    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final List<Process> workers = new ArrayList<>();
    private int workerLogs;

    /** @param brokerUrl the broker the Celery app uses; {@code settings} adds PRIORITY_STEPS, KEY_PREFIX, … */
    public CeleryPython(String brokerUrl, Map<String, String> settings) throws IOException {
        requireCelery();
        dir = Files.createTempDirectory("celery-app");
        for (String script : SCRIPTS) {
            try (InputStream in = CeleryPython.class.getResourceAsStream("/celery/" + script)) {
                Files.write(dir.resolve(script), in.readAllBytes());
            }
        }
        env.put("BROKER_URL", brokerUrl);
        env.put("C_FORCE_ROOT", "1"); // CI runs as root; Celery refuses pickle as root without it
        env.put("FLAG_FILE", dir.resolve("release").toString());
        env.putAll(settings);
    }

    private static void requireCelery() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import celery").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException | InterruptedException e) {
            // reported below
        }
        throw new IllegalStateException("The Celery interop tests need the real Celery client:"
                + " apt-get install python3-celery (it installs into " + PYTHON + ").");
    }

    /** Runs a script to completion and returns its stdout; fails with its output when it exits non-zero. */
    public String run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        ChildProcess.Result r = ChildProcess.run(pb, Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(script + " failed: " + r.err());
        }
        return r.out().strip();
    }

    /** Runs a script on another thread; the future completes with its stdout. */
    public CompletableFuture<String> runInBackground(String script, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(script, args);
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Starts {@code celery worker} (prefork, concurrency 1, prefetch ×4) on one queue.
     *
     * @param extraArgs more worker options, e.g. {@code -E} to send task events
     */
    public void startWorker(String queue, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "celery", "-A", "celery_app", "worker", "-Q",
                queue, "-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning",
                "-n", "interop@localhost"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile());
        workers.add(pb.start());
    }

    /**
     * Starts a real {@code celery worker} (prefork) that sends heartbeats, as it runs in production.
     *
     * @param nodeName    its node name, e.g. {@code celery@dispatcher-7d9f8c6b5-x2x9q}
     * @param concurrency its pool size
     * @param settings    more of the app's settings for this worker alone: PREFETCH, ACKS_LATE, ADVERTISE, …
     * @param extraArgs   more worker options, e.g. {@code -E}
     */
    public CeleryWorker worker(String queue, String nodeName, int concurrency, Map<String, String> settings,
                               String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "celery", "-A", "celery_app", "worker", "-Q",
                queue, "-c", String.valueOf(concurrency), "--without-gossip", "--without-mingle", "-l", "info",
                "-n", nodeName));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(settings);
        Path log = dir.resolve("worker-" + ++workerLogs + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        workers.add(process);
        return new CeleryWorker(process, log);
    }

    /** What produce_timed.py prints: each task id with its send time, epoch seconds. */
    public static Map<String, Double> sendTimes(String json) {
        Map<String, Double> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                p.nextToken();
                out.put(id, p.getDoubleValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("produce_timed.py printed no JSON: " + json, e);
        }
        return out;
    }

    /**
     * The true mean wait of the tasks sent: from each send time to when the worker received the task (the
     * {@code interop:received} hash that RECORD_RECEIVED keeps), seconds.
     */
    public static double meanWait(Map<String, Double> sent, Map<String, String> received) {
        double sum = 0;
        for (Map.Entry<String, Double> e : sent.entrySet()) {
            sum += Double.parseDouble(received.get(e.getKey())) - e.getValue();
        }
        return sum / sent.size();
    }

    /** Lets every blocked {@code demo.slow} task finish. */
    public void releaseSlowTasks() throws IOException {
        Files.writeString(dir.resolve("release"), "go");
    }

    @Override
    public void close() throws IOException {
        releaseSlowTasks();
        for (Process worker : workers) {
            worker.destroy();
            try {
                if (!worker.waitFor(15, TimeUnit.SECONDS)) {
                    ChildProcess.kill(worker);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
