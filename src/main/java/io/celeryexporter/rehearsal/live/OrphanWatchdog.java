package io.celeryexporter.rehearsal.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Kills the worker processes a live rehearsal started when the rehearsal dies without cleaning up (SIGKILL, the OOM
 * killer): a shell that waits for this JVM to go, then SIGKILLs every process listed in a file the rehearsal keeps
 * current. A normal end empties the list before it stops the shell, so no process is killed by an old pid.
 */
final class OrphanWatchdog implements AutoCloseable {

    /** Waits for the pid in $0 to go, then kills the pids listed in the file $1. */
    private static final String SCRIPT = "while kill -0 \"$0\" 2>/dev/null; do sleep 1; done;"
            + " pids=$(cat \"$1\" 2>/dev/null); [ -n \"$pids\" ] && kill -KILL $pids 2>/dev/null; rm -f \"$1\"";

    private final Path pidFile;
    private final Process shell;
    private Set<Long> watched = Set.of();

    private OrphanWatchdog(Path pidFile, Process shell) {
        this.pidFile = pidFile;
        this.shell = shell;
    }

    static OrphanWatchdog start(Path dir) throws IOException {
        Path pidFile = dir.resolve("worker-pids");
        Files.writeString(pidFile, "");
        Process shell = new ProcessBuilder("/bin/sh", "-c", SCRIPT, String.valueOf(ProcessHandle.current().pid()),
                pidFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new OrphanWatchdog(pidFile, shell);
    }

    /** These processes, and only these, are the ones to kill if this JVM dies. */
    void watch(Set<Long> pids) {
        if (pids.equals(watched)) {
            return;
        }
        try {
            Path next = pidFile.resolveSibling(pidFile.getFileName() + ".next");
            Files.writeString(next, new TreeSet<>(pids).stream().map(String::valueOf)
                    .collect(Collectors.joining(" ")));
            Files.move(next, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            watched = Set.copyOf(pids);
        } catch (IOException e) {
            // the workers are still stopped on every end but a SIGKILL; nothing else depends on this file
        }
    }

    @Override
    public void close() {
        watch(Set.of());
        shell.destroy();
    }
}
