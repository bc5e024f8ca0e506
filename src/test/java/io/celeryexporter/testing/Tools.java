package io.celeryexporter.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** External programs the tests drive (promtool, prometheus, kubectl): found on PATH or reported with a fix. */
public final class Tools {

    public record Run(int exitCode, String output) {}

    private Tools() {}

    /** @param install what to install, e.g. a Debian package name */
    public static Path find(String name, String install) {
        Path found = onPath(name);
        if (found == null) {
            throw new IllegalStateException(name + " is not on PATH: install " + install);
        }
        return found;
    }

    public static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs a tool to completion, killed after 120 s; its stdout and stderr together. */
    public static Run run(List<String> command) throws IOException, InterruptedException {
        ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(120));
        return new Run(r.exitCode(), r.out() + r.err());
    }
}
