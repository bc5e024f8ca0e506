package io.celeryexporter.bench;

/** One way of reading a Celery queue, as a user would run it: one call is one poll (or one scrape). */
interface Approach extends AutoCloseable {

    String name();

    /** Reads the queue once. */
    void poll() throws Exception;

    /** Redis commands this approach issues outside a transaction, plus EXEC/MULTI: their INFO usec is its cost. */
    java.util.Set<String> commands();

    @Override
    default void close() {}
}
