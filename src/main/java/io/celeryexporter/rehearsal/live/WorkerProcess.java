package io.celeryexporter.rehearsal.live;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real worker process standing in for a pod: started with the broker URL in {@code CELERY_BROKER_URL} and the
 * pod's name as its Celery hostname, stopped as the kubelet stops a container (SIGTERM, then SIGKILL to it and its
 * children). Its output goes to a file, for the last lines when it fails.
 */
final class WorkerProcess {

    private final String pod;
    private final Path output;
    private final Process process;
    private long readFrom;

    private WorkerProcess(String pod, Path output, Process process) {
        this.pod = pod;
        this.output = output;
        this.process = process;
    }

    /**
     * Starts {@code command} through {@code sh -c 'exec …'}, so that signals reach the worker itself, with
     * {@code --hostname celery@POD} appended.
     */
    static WorkerProcess start(String command, String pod, String brokerUrl, Path logDir) throws IOException {
        Path output = logDir.resolve(pod + ".log");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "exec " + command + " --hostname celery@" + pod)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("CELERY_BROKER_URL", brokerUrl);
        env.put("HOSTNAME", pod);
        return new WorkerProcess(pod, output, builder.start());
    }

    String pod() {
        return pod;
    }

    boolean alive() {
        return process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    /** The worker's pid and its children's, while it runs. */
    List<Long> pids() {
        if (!process.isAlive()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        out.add(process.pid());
        process.descendants().forEach(p -> out.add(p.pid()));
        return out;
    }

    /** SIGTERM: Celery's warm shutdown. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL to the worker and every process it started, as a container's processes all die. */
    void kill() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    boolean awaitExit(double seconds) {
        try {
            return process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Output lines written since the last call. */
    List<String> newLines() {
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
            if (file.length() <= readFrom) {
                return List.of();
            }
            file.seek(readFrom);
            byte[] bytes = new byte[(int) Math.min(file.length() - readFrom, 1 << 20)];
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n') + 1; // a partial last line waits for the next call
            readFrom += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
            return text.substring(0, end).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Its last lines of output, for a failure message. */
    String lastLines(int n) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - n), lines.size());
            return tail.isEmpty() ? "(no output)" : String.join(" | ", tail.stream().map(String::strip).toList());
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
