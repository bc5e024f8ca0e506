package io.celeryexporter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process to completion under a deadline. Its output goes to files, not pipes, so waiting on it cannot
 * block on a full pipe or on a child that never closes its output: at the deadline the child (and its descendants)
 * is killed and the test fails, instead of stalling the suite.
 */
public final class ChildProcess {

    /** What the child did: its exit code and its two output streams. */
    public record Result(int exitCode, String out, String err) {}

    private ChildProcess() {}

    public static Result run(ProcessBuilder builder, Duration deadline) throws IOException, InterruptedException {
        Path out = Files.createTempFile("child", ".out");
        Path err = Files.createTempFile("child", ".err");
        try {
            Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + deadline
                        + " and was killed; its output: " + Files.readString(out) + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Kills a process and everything it started, and waits for it to go. */
    public static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }
}
