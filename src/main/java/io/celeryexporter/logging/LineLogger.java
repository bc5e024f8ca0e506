package io.celeryexporter.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One logger: each event is one line, in logfmt or JSON, with time, level, logger, message and any error. */
final class LineLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final String shortName;

    LineLogger(String name) {
        this.name = name;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String time = Instant.now().toString();
        String lvl = level.name().toLowerCase(Locale.ROOT);
        StringBuilder line = new StringBuilder(128);
        if (LogSettings.format() == LogSettings.Format.JSON) {
            line.append("{\"ts\":").append(json(time)).append(",\"level\":").append(json(lvl))
                    .append(",\"logger\":").append(json(shortName)).append(",\"msg\":").append(json(message));
            if (throwable != null) {
                line.append(",\"err\":").append(json(throwable.toString()))
                        .append(",\"stack\":").append(json(stack(throwable)));
            }
            line.append('}');
        } else {
            line.append("ts=").append(time).append(" level=").append(lvl).append(" logger=").append(shortName)
                    .append(" msg=").append(logfmt(message));
            if (throwable != null) {
                line.append(" err=").append(logfmt(throwable.toString()))
                        .append(" stack=").append(logfmt(stack(throwable)));
            }
        }
        LogSettings.out().println(line);
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().strip();
    }

    /** A logfmt value: bare when it can be, else quoted with Go's escapes, so the event stays on one line. */
    static String logfmt(String value) {
        boolean bare = !value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c > '~');
        return bare ? value : json(value);
    }

    /** A JSON string literal, escaped by Jackson. */
    static String json(String value) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
    }

    @Override
    public boolean isTraceEnabled() {
        return LogSettings.enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogSettings.enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogSettings.enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogSettings.enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogSettings.enabled(name, Level.ERROR);
    }
}
