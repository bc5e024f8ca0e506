package io.celeryexporter.poll;

import io.celeryexporter.broker.ListEventSubscriber;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where arrivals, departures and waits come from now, and how often the events needed mending: written by the poller,
 * read by scrapes.
 */
public final class FlowStatus {

    /** The source of the figures, as the metrics name it. */
    public enum Source {
        SNAPSHOTS("snapshots"), KEYSPACE_EVENTS("keyspace-events");

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
    /** What subscriptions replaced or closed since counted, so the counters never go back. */
    private volatile long lostBefore;
    private volatile long receivedBefore;

    synchronized void use(Source source, ListEventSubscriber subscriber) {
        ListEventSubscriber old = this.subscriber;
        if (old != null && old != subscriber) {
            lostBefore += old.subscriptionsLost();
            receivedBefore += old.eventsReceived();
        }
        this.source = source;
        this.subscriber = subscriber;
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

    public long subscriptionsLost() {
        ListEventSubscriber s = subscriber;
        return lostBefore + (s == null ? 0 : s.subscriptionsLost());
    }

    public long eventsReceived() {
        ListEventSubscriber s = subscriber;
        return receivedBefore + (s == null ? 0 : s.eventsReceived());
    }
}
