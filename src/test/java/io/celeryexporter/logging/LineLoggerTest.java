package io.celeryexporter.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The exporter's log lines: one event per line, logfmt or JSON, levels as chosen, libraries kept quiet. */
class LineLoggerTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        LogSettings.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        LogSettings.output(System.err);
        LogSettings.level(LogSettings.Threshold.INFO);
        LogSettings.format(LogSettings.Format.LOGFMT);
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void logfmtQuotesWhatNeedsItAndStaysOnOneLine() {
        Logger log = LoggerFactory.getLogger("io.celeryexporter.poll.PollLoop");
        log.warn("poll failed: {}", "a \"quoted\"\nreason");
        log.error("unexpected", new IllegalStateException("boom"));
        List<String> lines = lines();
        assertEquals(2, lines.size(), "one line per event, stack trace included: " + lines);
        assertTrue(lines.get(0).matches("ts=\\S+ level=warn logger=PollLoop msg=\"poll failed: a \\\\\"quoted\\\\\""
                + "\\\\nreason\""), lines.get(0));
        assertTrue(lines.get(1).contains(" level=error logger=PollLoop msg=unexpected"
                + " err=\"java.lang.IllegalStateException: boom\" stack=\"java.lang.IllegalStateException: boom\\n\\tat "),
                lines.get(1));
    }

    @Test
    void jsonIsOneObjectPerLine() throws Exception {
        LogSettings.format(LogSettings.Format.JSON);
        Logger log = LoggerFactory.getLogger("io.celeryexporter.cli.ServeCommand");
        log.info("serving {} on {}", "/metrics", ":9808");
        log.error("fatal", new OutOfMemoryError("Java heap space"));
        List<String> lines = lines();
        assertEquals(2, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("info", first.get("level").asText());
        assertEquals("ServeCommand", first.get("logger").asText());
        assertEquals("serving /metrics on :9808", first.get("msg").asText());
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertEquals("java.lang.OutOfMemoryError: Java heap space", second.get("err").asText());
        assertTrue(second.get("stack").asText().contains("\tat "));
    }

    @Test
    void levelsFilterAndLibrariesStayQuiet() {
        Logger ours = LoggerFactory.getLogger("io.celeryexporter.poll.Poller");
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.server.Server");
        Logger jedis = LoggerFactory.getLogger("redis.clients.jedis.Connection");
        ours.debug("hidden at info");
        jetty.info("hidden: Jetty logs warnings and up");
        jedis.warn("hidden: Jedis logs errors only");
        ours.info("shown");
        LogSettings.level(LogSettings.Threshold.DEBUG);
        ours.debug("shown at debug");
        LogSettings.level(LogSettings.Threshold.ERROR);
        ours.warn("hidden at error");
        jetty.error("shown");
        assertEquals(List.of("msg=shown", "msg=\"shown at debug\"", "msg=shown"),
                lines().stream().map(l -> l.substring(l.indexOf("msg="))).toList());
    }
}
