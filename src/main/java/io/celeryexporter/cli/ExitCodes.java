package io.celeryexporter.cli;

/** Process exit codes, documented in the README. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    /** A bad flag, URL or option value. */
    public static final int USAGE = 2;
    /** The broker could not be reached, or refused the credentials. */
    public static final int BROKER = 3;
    /** A server the command reads could not be reached (the broker, or Prometheus for rehearse). */
    public static final int UNREACHABLE = 3;

    private ExitCodes() {}
}
