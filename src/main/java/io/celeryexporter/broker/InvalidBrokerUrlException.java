package io.celeryexporter.broker;

/** A broker URL that cannot be used. The message never contains the password. */
public final class InvalidBrokerUrlException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidBrokerUrlException(String message) {
        super(message);
    }
}
