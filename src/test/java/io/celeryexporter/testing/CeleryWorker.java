package io.celeryexporter.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One real Celery worker process started by {@link CeleryPython#worker}, to stop as Kubernetes would. */
public final class CeleryWorker {

    private final Process process;
    private final Path log;

    CeleryWorker(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** SIGKILL to the worker and its pool processes at once, as the kubelet at the end of the grace period. */
    public void kill() throws InterruptedException {
        ChildProcess.kill(process);
    }

    /** SIGTERM to the main process: Celery's warm shutdown. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; fails with its log when it does not in time. */
    public void awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the worker did not exit within " + timeout + "; its log: " + log());
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }
}
