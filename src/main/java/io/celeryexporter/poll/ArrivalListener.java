package io.celeryexporter.poll;

/** Told of a task pushed onto a queue as the broker announces it; called on the subscription's thread. */
@FunctionalInterface
public interface ArrivalListener {

    ArrivalListener NONE = queue -> {};

    /** Must return at once: the events behind it wait. */
    void arrived(String queue);
}
