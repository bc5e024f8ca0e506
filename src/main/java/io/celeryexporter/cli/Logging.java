package io.celeryexporter.cli;

/** slf4j-simple settings: timestamped lines on stderr, library chatter kept to warnings. */
final class Logging {

    private Logging() {}

    static void configure() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.log.redis.clients", "error");
        setDefault("org.slf4j.simpleLogger.log.org.apache.commons.pool2", "error");
        setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
