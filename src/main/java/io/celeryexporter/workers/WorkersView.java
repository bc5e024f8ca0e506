package io.celeryexporter.workers;

import io.celeryexporter.celery.WorkerEvent;
import java.util.List;

/**
 * The workers as one poll saw them, immutable.
 *
 * @param groups    every group seen since the exporter started, by name
 * @param holders   the workers that may hold tasks now: online and stopping ones
 * @param listening the worker events are being received (the subscription is up)
 * @param complete  the subscription has been up for a whole heartbeat window ({@link #HEARD_WITHIN} seconds): every
 *                  live worker with the default heartbeat interval has been heard. Before that, no task is taken
 *                  for orphaned on the grounds that no worker was heard
 */
public record WorkersView(List<GroupStats> groups, List<LiveWorker> holders, boolean listening, boolean complete) {

    /** Celery's expiry window at the default heartbeat interval, 2 × 2 s. */
    public static final double HEARD_WITHIN = 2 * WorkerEvent.DEFAULT_FREQ;
    public static final WorkersView NONE = new WorkersView(List.of(), List.of(), false, false);

    public WorkersView {
        groups = List.copyOf(groups);
        holders = List.copyOf(holders);
    }
}
