package io.celeryexporter.poll;

import io.celeryexporter.broker.ListEventSubscriber;
import io.celeryexporter.broker.Subscription;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where arrivals, departures and waits come from now, and how often the events needed mending: written by the poller,
 * read by scrapes.
 */
public final class FlowStatus {

    /** The source of the figures, as the metrics name it. */
    public enum Source {
        SNAPSHOTS("snapshots"), KEYSPACE_EVENTS("keyspace-events"), CELERY_EVENTS("celery-events");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final LongAdder mismatches = new LongAdder();
    private volatile Source source = Source.SNAPSHOTS;
    private volatile ListEventSubscriber subscriber;
    private volatile Subscription<?> taskEvents;
    /** What subscriptions replaced or closed since counted, so the counters never go back. */
    private volatile long lostBefore;
    private volatile long receivedBefore;
    private volatile long taskEventsBefore;

    void source(Source source) {
        this.source = source;
    }

    /** The keyspace-event subscription now in use, or null. */
    synchronized void keyspace(ListEventSubscriber subscriber) {
        ListEventSubscriber old = this.subscriber;
        if (old != null && old != subscriber) {
            lostBefore += old.subscriptionsLost();
            receivedBefore += old.eventsReceived();
        }
        this.subscriber = subscriber;
    }

    /** The Celery task-event subscription now in use, or null. */
    synchronized void taskEvents(Subscription<?> subscription) {
        Subscription<?> old = this.taskEvents;
        if (old != null && old != subscription) {
            lostBefore += old.subscriptionsLost();
            taskEventsBefore += old.received();
        }
        this.taskEvents = subscription;
    }

    void recordMismatch() {
        mismatches.increment();
    }

    public Source source() {
        return source;
    }

    /** Lists whose polled length the events did not explain, each brought back in line with the snapshot. */
    public long mismatches() {
        return mismatches.sum();
    }

    /** Subscriptions (keyspace notifications and task events) lost and made again. */
    public long subscriptionsLost() {
        ListEventSubscriber s = subscriber;
        Subscription<?> t = taskEvents;
        return lostBefore + (s == null ? 0 : s.subscriptionsLost()) + (t == null ? 0 : t.subscriptionsLost());
    }

    /** Messages received on the celeryev fanout (a worker's message may hold several events). */
    public long taskEventMessagesReceived() {
        Subscription<?> t = taskEvents;
        return taskEventsBefore + (t == null ? 0 : t.received());
    }

    public long eventsReceived() {
        ListEventSubscriber s = subscriber;
        return receivedBefore + (s == null ? 0 : s.eventsReceived());
    }
}
