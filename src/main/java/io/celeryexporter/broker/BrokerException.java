package io.celeryexporter.broker;

/**
 * A broker operation that failed, with a one-line reason fit for a log or a terminal. The reason comes from Redis
 * or the socket layer, never from the URL, so it holds no password.
 */
public final class BrokerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind { UNREACHABLE, AUTHENTICATION, PERMISSION, UNSUPPORTED, OTHER }

    private final Kind kind;

    public BrokerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
