package io.celeryexporter.poll;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when the JVM itself fails: log one line and end the process at once (exit 1), so Kubernetes restarts
 * it. Shutdown hooks are skipped: they may need the memory that just ran out. The container also runs with
 * {@code -XX:+ExitOnOutOfMemoryError}, which covers the threads this class does not see.
 */
public final class FatalError {

    private static final Logger LOG = LoggerFactory.getLogger(FatalError.class);

    private FatalError() {}

    public static void halt(Throwable e) {
        try {
            LOG.error("fatal {} in thread {}: exiting so the process can be restarted", e, Thread.currentThread()
                    .getName());
        } finally {
            Runtime.getRuntime().halt(1);
        }
    }

    /** Every thread without a handler of its own: fatal errors end the process, others are logged. */
    public static void installDefaultHandler() {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof VirtualMachineError) {
                halt(e);
            } else {
                LOG.error("uncaught exception in thread {}", thread.getName(), e);
            }
        });
    }
}
