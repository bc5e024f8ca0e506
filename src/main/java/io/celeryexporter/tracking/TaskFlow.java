package io.celeryexporter.tracking;

/**
 * One queue's arrivals, departures and waits counted from Celery task events: {@code task-sent} is an arrival,
 * {@code task-received} (a worker took the task from the broker) a departure, and the time between the two, as the
 * exporter received them, the wait. Not thread-safe: the poller owns it.
 *
 * <p>The counts continue those the exporter had before the events began ({@link #TaskFlow(long, long,
 * WaitHistogram.Snapshot)}), so the counters it serves never go back.
 */
public final class TaskFlow {

    private final long enqueuedBefore;
    private final long dequeuedBefore;
    private final WaitHistogram.Snapshot waitsBefore;
    private final WaitHistogram waits = new WaitHistogram();
    private long enqueued;
    private long dequeued;

    /** @param enqueuedBefore, dequeuedBefore, waitsBefore what was counted from snapshots until now */
    public TaskFlow(long enqueuedBefore, long dequeuedBefore, WaitHistogram.Snapshot waitsBefore) {
        this.enqueuedBefore = enqueuedBefore;
        this.dequeuedBefore = dequeuedBefore;
        this.waitsBefore = waitsBefore;
    }

    public void sent() {
        enqueued++;
    }

    /** A departure whose arrival was seen: its wait is known. */
    public void received(double waitSeconds) {
        dequeued++;
        waits.observe(waitSeconds, 1);
    }

    /** A departure whose wait is not known: taken again after a restore or a requeue, which send no event. */
    public void receivedAgain() {
        dequeued++;
    }

    /** Arrivals counted from events, since they began. */
    public long sentSinceStart() {
        return enqueued;
    }

    /** Departures counted from events, since they began. */
    public long receivedSinceStart() {
        return dequeued;
    }

    public long enqueued() {
        return enqueuedBefore + enqueued;
    }

    public long dequeued() {
        return dequeuedBefore + dequeued;
    }

    public WaitHistogram.Snapshot waits() {
        return waitsBefore.plus(waits.snapshot());
    }
}
