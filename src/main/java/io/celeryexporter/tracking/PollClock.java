package io.celeryexporter.tracking;

/** Reads both clocks of a {@link PollTime}; tests pass one they step by hand. */
@FunctionalInterface
public interface PollClock {

    PollTime now();

    /** The JVM's wall clock and {@link System#nanoTime()}. */
    static PollClock system() {
        return () -> new PollTime(System.currentTimeMillis() / 1000.0, System.nanoTime() / 1e9);
    }
}
