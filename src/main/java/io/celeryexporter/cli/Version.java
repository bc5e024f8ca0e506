package io.celeryexporter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The project version, filtered into {@code version.properties} at build time. */
public final class Version implements IVersionProvider {

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/io/celeryexporter/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"celery-queue-exporter " + current(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
