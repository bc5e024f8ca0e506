package io.celeryexporter.workers;

/**
 * A queue's load: (tasks its workers execute + its backlog) ÷ their slots. Under 1 the workers keep up with room to
 * spare; past 1, work waits. Unlike the queue's depth or age, which read 0 whenever the workers keep up, it tracks
 * the capacity a steady load needs: at a steady λ tasks/s of s seconds each, it reads λ·s ÷ slots. An autoscaler that
 * holds it at a target holds λ·s ÷ target slots.
 */
public final class QueueLoad {

    private QueueLoad() {}

    /**
     * The load, or null where it cannot be computed, so that an autoscaler holds rather than acts on a wrong number:
     * before a whole heartbeat window was heard, while no online worker is known to consume the queue, or while an
     * online worker's queues or slots are unknown (its tasks and slots could belong to this queue or to another).
     *
     * @param backlog the queue's tasks waiting to start, prefetched ones included
     */
    public static Double of(String queue, long backlog, WorkersView workers) {
        if (!workers.complete()) {
            return null;
        }
        long executing = 0;
        long slots = 0;
        for (LiveWorker w : workers.holders()) {
            if (w.stopping()) {
                continue; // gone offline: neither its slots nor its last tasks count
            }
            if (w.info().queues() == null) {
                return null;
            }
            if (w.info().queues().contains(queue)) {
                if (w.info().concurrency() == null) {
                    return null;
                }
                executing += w.executing();
                slots += w.info().concurrency();
            }
        }
        return slots == 0 ? null : (double) (executing + backlog) / slots;
    }
}
