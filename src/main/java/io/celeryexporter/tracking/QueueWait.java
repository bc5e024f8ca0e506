package io.celeryexporter.tracking;

import java.util.Collection;

/**
 * The wait figures of one queue, all its priority sub-lists together.
 *
 * @param oldestAge       seconds the oldest task has waited: the longest wait among the heads of the sub-lists
 *                        (each head is next in line for its priority); 0 when the queue is empty
 * @param averageWait     mean seconds the queued tasks have waited so far; 0 when empty
 * @param ageIsLowerBound the oldest age is only a lower bound (queued before the exporter started, no time in the
 *                        message)
 * @param enqueued        arrivals observed since the exporter started
 * @param dequeued        departures observed since the exporter started: every take, a restored task's too
 * @param restored        tasks kombu put back at the consuming end (unacked ones restored): departures undone
 * @param waits           time in queue of the departed tasks
 * @param countsExact     arrivals, departures and waits were counted from every change of every sub-list in the last
 *                        interval (keyspace notifications); false when they are lower bounds from snapshots
 */
public record QueueWait(double oldestAge, double averageWait, boolean ageIsLowerBound, long enqueued, long dequeued,
                        long restored, WaitHistogram.Snapshot waits, boolean countsExact) {

    public static QueueWait combine(Collection<ListTracker.View> lists, WaitHistogram.Snapshot waits) {
        return combine(lists, waits, false);
    }

    public static QueueWait combine(Collection<ListTracker.View> lists, WaitHistogram.Snapshot waits,
                                    boolean countsExact) {
        long length = 0;
        double waitSum = 0;
        double oldest = 0;
        boolean lowerBound = false;
        long enqueued = 0;
        long dequeued = 0;
        long restored = 0;
        for (ListTracker.View v : lists) {
            length += v.length();
            waitSum += v.waitSum();
            enqueued += v.enqueued();
            dequeued += v.dequeued();
            restored += v.restored();
            if (v.oldestAge() > oldest) {
                oldest = v.oldestAge();
                lowerBound = v.ageIsLowerBound();
            } else if (v.oldestAge() == oldest) {
                lowerBound |= v.ageIsLowerBound(); // a tie, e.g. at the first look, when every age is still 0
            }
        }
        return new QueueWait(oldest, length == 0 ? 0 : waitSum / length, lowerBound, enqueued, dequeued, restored,
                waits, countsExact);
    }
}
