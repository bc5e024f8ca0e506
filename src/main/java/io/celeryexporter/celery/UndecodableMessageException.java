package io.celeryexporter.celery;

/** A stored value that is not a Celery message this exporter can read. The message says why, never its content. */
public final class UndecodableMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UndecodableMessageException(String reason) {
        super(reason);
    }
}
