package io.celeryexporter.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External programs the tests drive (promtool, prometheus, kubectl): found on PATH or reported with a fix. */
public final class Tools {

    public record Run(int exitCode, String output) {}

    private Tools() {}

    public static Path find(String name, String debianPackage) {
        Path found = onPath(name);
        if (found == null) {
            throw new IllegalStateException(name + " is not on PATH: apt-get install " + debianPackage);
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

    public static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Run(p.exitValue(), out);
    }
}
