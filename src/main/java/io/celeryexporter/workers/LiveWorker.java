package io.celeryexporter.workers;

import io.celeryexporter.celery.WorkerInfo;

/**
 * A worker that may hold tasks: online, or stopping (it said {@code worker-offline} less than the stop grace ago and
 * may still be finishing its running tasks before it restores its prefetched ones).
 *
 * @param hostname     its node name
 * @param group        its group
 * @param info         what it advertises, completed by what its group is configured with
 * @param executing    tasks it is executing, from its last event that said; 0 before any did
 * @param startedAt    wall-clock seconds when it came online, NaN where the exporter did not see it come online
 * @param stopping     it said {@code worker-offline} and is within the stop grace
 */
public record LiveWorker(String hostname, String group, WorkerInfo info, long executing, double startedAt,
                         boolean stopping) {

    /** It cannot hold a task received before it came online (with a second's slack for the two clocks). */
    public boolean mayHoldTaskReceivedAt(double receivedAt) {
        return Double.isNaN(startedAt) || Double.isNaN(receivedAt) || receivedAt >= startedAt - 1.0;
    }
}
