package io.celeryexporter.workers;

import io.celeryexporter.celery.WorkerEvent;
import io.celeryexporter.celery.WorkerInfo;
import io.celeryexporter.tracking.PollTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who is online, from the workers' own events, as Celery's {@code events.state} decides: a worker is alive while it
 * was heard from within 2 × its heartbeat interval, and gone at once when it says {@code worker-offline}. A worker
 * that said {@code worker-offline} may still hold tasks while it finishes its running ones: it stays a possible
 * holder for the stop grace (Kubernetes kills it at {@code terminationGracePeriodSeconds}). Pure: times are passed
 * in, monotonic for liveness and wall-clock for comparing with kombu's receipt times. Not thread-safe.
 */
public final class WorkerRegistry {

    private final WorkerGrouping grouping;
    private final double stopGraceSeconds;
    private final Map<String, Worker> online = new HashMap<>();
    private final Map<String, Stopping> stopping = new HashMap<>();
    private final Map<String, Group> groups = new TreeMap<>();

    /** One online worker, as its last event left it. */
    private static final class Worker {
        final String hostname;
        final Group group;
        final double startedAt;
        /** Its {@code processed} when first heard: what it started before the exporter saw it is not counted. */
        final long baseline;
        double freq = WorkerEvent.DEFAULT_FREQ;
        double lastHeard;
        long executing;
        long processed;
        WorkerInfo advertised = WorkerInfo.UNKNOWN;

        Worker(String hostname, Group group, double startedAt, long baseline) {
            this.hostname = hostname;
            this.group = group;
            this.startedAt = startedAt;
            this.baseline = baseline;
            this.processed = baseline;
        }

        long startedSinceSeen() {
            return processed - baseline;
        }
    }

    /** A worker that said offline, kept as a possible holder until {@code until} (monotonic). */
    private record Stopping(LiveWorker worker, double until) {}

    private static final class Group {
        final String name;
        final WorkerInfo configured;
        long startedByGone;
        long wentOffline;
        long heartbeatsMissed;

        Group(String name, WorkerInfo configured) {
            this.name = name;
            this.configured = configured;
        }
    }

    /** @param stopGraceSeconds how long a worker that said offline may still hold tasks */
    public WorkerRegistry(WorkerGrouping grouping, double stopGraceSeconds) {
        this.grouping = grouping;
        this.stopGraceSeconds = stopGraceSeconds;
    }

    /** Takes one event, received at {@code at}. */
    public void apply(WorkerEvent event, PollTime at) {
        Worker w = online.get(event.hostname());
        if (event.type() == WorkerEvent.Type.OFFLINE) {
            if (w != null) {
                if (event.processed() >= w.processed) {
                    w.processed = event.processed(); // what it started since its last heartbeat
                }
                leave(w, false);
                stopping.put(w.hostname, new Stopping(live(w, true), at.monotonicSeconds() + stopGraceSeconds));
            }
            return;
        }
        long processed = Math.max(0, event.processed());
        if (w != null && event.processed() >= 0 && event.processed() < w.processed) {
            leave(w, true); // restarted under the same name without a word (killed, then restarted): counts start again
            w = null;
        }
        if (w == null) {
            String name = grouping.groupOf(event.hostname());
            Group group = groups.computeIfAbsent(name, n -> new Group(n, grouping.configuredFor(n)));
            boolean fromStart = event.type() == WorkerEvent.Type.ONLINE;
            w = new Worker(event.hostname(), group, fromStart ? at.wallSeconds() : Double.NaN,
                    fromStart ? 0 : processed);
            online.put(w.hostname, w);
            stopping.remove(w.hostname);
        }
        w.lastHeard = at.monotonicSeconds();
        w.freq = event.freq();
        if (event.active() >= 0) {
            w.executing = event.active();
        }
        if (event.processed() >= 0) {
            w.processed = event.processed();
        }
        if (event.info() != WorkerInfo.UNKNOWN) {
            w.advertised = event.info();
        }
    }

    /**
     * Forgets the workers not heard from within 2 × their heartbeat interval, and the stop graces that ended.
     *
     * @param listeningSince when the events began to arrive without a gap: a worker silent only while nobody
     *                       listened is not gone (NaN when the events do not arrive now: nobody is expired)
     */
    public void expire(double monotonicNow, double listeningSince) {
        if (Double.isNaN(listeningSince)) {
            return;
        }
        Iterator<Worker> it = online.values().iterator();
        while (it.hasNext()) {
            Worker w = it.next();
            if (monotonicNow > Math.max(w.lastHeard, listeningSince) + 2 * w.freq) {
                it.remove();
                retire(w, true);
            }
        }
        stopping.values().removeIf(s -> monotonicNow > s.until());
    }

    private void leave(Worker w, boolean missed) {
        online.remove(w.hostname);
        retire(w, missed);
    }

    private static void retire(Worker w, boolean missed) {
        w.group.startedByGone += w.startedSinceSeen();
        if (missed) {
            w.group.heartbeatsMissed++;
        } else {
            w.group.wentOffline++;
        }
    }

    private static LiveWorker live(Worker w, boolean stopping) {
        return new LiveWorker(w.hostname, w.group.name, w.advertised.orElse(w.group.configured), w.executing,
                w.startedAt, stopping);
    }

    /**
     * The workers now; call {@link #expire} first.
     *
     * @param listening the events are being received
     * @param complete  they have been for a whole heartbeat window
     */
    public WorkersView view(boolean listening, boolean complete) {
        Map<String, long[]> perGroup = new HashMap<>(); // online, executing, slots (-1 unknown), started
        List<LiveWorker> holders = new ArrayList<>(online.size() + stopping.size());
        for (Worker w : online.values()) {
            LiveWorker live = live(w, false);
            holders.add(live);
            long[] g = perGroup.computeIfAbsent(w.group.name, n -> new long[4]);
            g[0]++;
            g[1] += w.executing;
            Integer slots = live.info().concurrency();
            g[2] = g[2] < 0 || slots == null ? -1 : g[2] + slots;
            g[3] += w.startedSinceSeen();
        }
        stopping.values().forEach(s -> holders.add(s.worker()));
        holders.sort(Comparator.comparing(LiveWorker::hostname));
        List<GroupStats> out = new ArrayList<>(groups.size());
        for (Group group : groups.values()) {
            long[] g = perGroup.getOrDefault(group.name, new long[4]);
            out.add(new GroupStats(group.name, (int) g[0], g[1], g[2], group.startedByGone + g[3],
                    group.wentOffline, group.heartbeatsMissed));
        }
        return new WorkersView(out, holders, listening, complete);
    }
}
