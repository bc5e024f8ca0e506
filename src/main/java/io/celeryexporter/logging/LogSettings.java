package io.celeryexporter.logging;

import java.io.PrintStream;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * What the exporter logs and how, in the exporter-toolkit convention: {@code --log.level} (debug, info, warn, error)
 * and {@code --log.format} (logfmt, json), one line per event on stderr. Read at every event, so it can be set after
 * loggers exist. Libraries are kept to their warnings (their errors for the Redis client), as they are chatty.
 */
public final class LogSettings {

    /** The two line formats. */
    public enum Format { LOGFMT, JSON }

    /** The levels a user chooses from. */
    public enum Threshold {
        DEBUG(Level.DEBUG), INFO(Level.INFO), WARN(Level.WARN), ERROR(Level.ERROR);

        private final Level level;

        Threshold(Level level) {
            this.level = level;
        }
    }

    private static final Map<String, Level> LIBRARIES = Map.of(
            "redis.clients", Level.ERROR,
            "org.apache.commons.pool2", Level.ERROR,
            "org.eclipse.jetty", Level.WARN,
            "org.testcontainers", Level.ERROR);

    private static volatile Level level = Level.INFO;
    private static volatile Format format = Format.LOGFMT;
    private static volatile PrintStream out = System.err;

    private LogSettings() {}

    public static void level(Threshold threshold) {
        level = threshold.level;
    }

    public static void format(Format chosen) {
        format = chosen;
    }

    static Format format() {
        return format;
    }

    static PrintStream out() {
        return out;
    }

    /** Where lines go; tests point it elsewhere. */
    public static void output(PrintStream stream) {
        out = stream;
    }

    static boolean enabled(String logger, Level at) {
        Level threshold = level;
        for (Map.Entry<String, Level> library : LIBRARIES.entrySet()) {
            if (logger.startsWith(library.getKey()) && library.getValue().toInt() > threshold.toInt()) {
                threshold = library.getValue();
            }
        }
        return at.toInt() >= threshold.toInt();
    }
}
