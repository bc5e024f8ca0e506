package io.celeryexporter.rehearsal.live;

import io.celeryexporter.autoscaling.Pod;
import io.celeryexporter.autoscaling.PodUids;
import io.celeryexporter.autoscaling.ReplicaSetScaleDown;
import io.celeryexporter.broker.ChannelMessage;
import io.celeryexporter.broker.Subscription;
import io.celeryexporter.celery.TaskEvent;
import io.celeryexporter.celery.TaskEventDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.QueueStats;
import io.celeryexporter.rehearsal.Boots;
import io.celeryexporter.rehearsal.TaskLog;
import io.celeryexporter.rehearsal.TaskQueue;
import io.celeryexporter.rehearsal.WorkerFigures;
import io.celeryexporter.rehearsal.Workers;
import io.celeryexporter.workers.LiveWorker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real Celery worker processes as the Deployment's pods. A desired replica's process starts {@code podStartup}
 * later and is ready once the exporter hears it online (its heartbeat); a removed one gets SIGTERM, and SIGKILL at
 * the grace period, as the kubelet does. What the workers do is read from the broker: their heartbeats and
 * {@code unacked} through the exporter, and their task events ({@code -E}) into the {@link TaskLog}.
 */
final class CeleryWorkers implements Workers, AutoCloseable {

    private static final Pattern UNREGISTERED = Pattern.compile("unregistered task of type '?([^'\\s.]+[^'\\s]*)'?");
    /** The line a pool process logs at INFO when a task ends well ({@code celery.app.trace.LOG_SUCCESS}). */
    static final Pattern SUCCEEDED = Pattern.compile("Task [^\\s\\[]+\\[([^\\]\\s]+)\\] succeeded in ");
    /** Kubernetes' pod-name alphabet, for names that group as a Deployment's pods do. */
    private static final String POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    /** How long the end of a run waits for the workers' last task events (they buffer them briefly). */
    private static final double EVENTS_FLUSH_SECONDS = 2;
    /** The grace a run cut short (Ctrl-C) gives its workers: cleanup comes before their running tasks. */
    private static final double CUT_SHORT_GRACE = 3;
    /** How often the start of a run looks for its first workers' heartbeats. */
    private static final long BOOT_POLL_MILLIS = 200;

    private static final class Replica {
        final String pod;
        final String uid;
        final double desiredAt;
        /** Which replica started since the run began (0, 1, …); -1 for one it began with. */
        final int startedIndex;
        WorkerProcess process;
        double launchedAt = Double.NaN;
        /** Wall-clock seconds, to compare with the time its first heartbeat says it came online. */
        double launchedEpoch = Double.NaN;
        double readyAt = Double.NaN;
        double terminatedAt = Double.NaN;

        Replica(String pod, String uid, double desiredAt, int startedIndex) {
            this.pod = pod;
            this.uid = uid;
            this.desiredAt = desiredAt;
            this.startedIndex = startedIndex;
        }

        boolean ready() {
            return !Double.isNaN(readyAt);
        }

        boolean leaving() {
            return !Double.isNaN(terminatedAt);
        }
    }

    private final WorkerCommand settings;
    private final LiveQueue queue;
    private final String queueName;
    private final Supplier<PollResult> lastPoll;
    private final Runnable pollNow;
    private final Subscription<ChannelMessage> taskEvents;
    private final BooleanSupplier cutShort;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<WorkerProcess> everStarted = new ArrayList<>();
    /** Kills the workers if this JVM is killed before it can; told their pids (and their children's) every second. */
    private OrphanWatchdog watchdog;
    private double nextWatch;
    private final Random names = new Random();
    private final PodUids uids;
    private final String deployment;
    private boolean sawTaskEvents;
    /** Whether a worker logged a task's success: it runs at INFO, so its log says what its events cannot. */
    private boolean sawSuccessLines;
    /** Tasks running, by their events, on a worker when it was killed. */
    private final Set<String> runningAtKill = new HashSet<>();
    private int endsUnseen;
    /** From the task events, per pod: received and not started, and started and not ended. */
    private final Map<String, Set<String>> reserved = new HashMap<>();
    private final Map<String, Set<String>> running = new HashMap<>();
    private final List<Double> boots = new ArrayList<>();
    /** The boot of each replica started since the run began, in order; NaN until it comes online. */
    private final List<Double> bootsInOrder = new ArrayList<>();

    /**
     * @param taskEvents the broker's task events, stamped with the rehearsal's clock
     * @param lastPoll   the exporter's last poll: the workers online, what they execute and hold
     * @param pollNow    makes the exporter poll, for the replicas running before the rehearsal to be seen online
     *                   before its clock starts
     * @param uids       the pods' UIDs, drawn as the simulation of the same seed draws its own
     */
    CeleryWorkers(WorkerCommand settings, LiveQueue queue, String queueName, Supplier<PollResult> lastPoll,
                  Runnable pollNow, Subscription<ChannelMessage> taskEvents, BooleanSupplier cutShort, PodUids uids) {
        this.settings = settings;
        this.queue = queue;
        this.queueName = queueName;
        this.lastPoll = lastPoll;
        this.pollNow = pollNow;
        this.taskEvents = taskEvents;
        this.cutShort = cutShort;
        this.uids = uids;
        this.deployment = "rehearsal-" + randomName(9);
    }

    private String randomName(int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(POD_ALPHABET.charAt(names.nextInt(POD_ALPHABET.length())));
        }
        return out.toString();
    }

    @Override
    public void startWith(int running, TaskLog log) {
        long deadline = System.nanoTime() + (long) (settings.readyTimeout() * 1e9);
        for (int i = 0; i < running; i++) {
            Replica r = new Replica(deployment + "-" + randomName(5), uids.next(), Double.NEGATIVE_INFINITY, -1);
            replicas.add(r);
            launch(r, 0);
        }
        while (!cutShort.getAsBoolean() && replicas.stream().anyMatch(r -> !r.ready())) {
            pollNow.run();
            watchWorkers();
            Map<String, Double> online = online();
            for (Replica r : replicas) {
                readOutput(r, log);
                checkAlive(r);
                if (r.ready()) {
                    continue;
                }
                if (online.containsKey(r.pod)) {
                    cameOnline(r, online.get(r.pod), Double.NEGATIVE_INFINITY);
                } else if (System.nanoTime() > deadline) {
                    throw notOnline(r);
                }
            }
            sleepBriefly();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(BOOT_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void scaleTo(int desired, double now, TaskLog log) {
        while (size() < desired) {
            replicas.add(new Replica(deployment + "-" + randomName(5), uids.next(), now, bootsInOrder.size()));
            bootsInOrder.add(Double.NaN);
        }
        while (size() > desired) {
            String pod = ReplicaSetScaleDown.next(pods(now), now).orElseThrow().name();
            Replica victim = replicas.stream().filter(r -> r.pod.equals(pod)).findFirst().orElseThrow();
            victim.terminatedAt = now;
            log.terminated(victim.pod, now);
            if (victim.process != null) {
                victim.process.terminate();
            }
        }
    }

    @Override
    public void work(TaskQueue ignored, double now, TaskLog log) {
        readTaskEvents(log);
        if (now >= nextWatch) {
            watchWorkers(); // a worker's pool children appear after it boots
            nextWatch = now + 1;
        }
        Map<String, Double> online = online();
        for (Iterator<Replica> it = replicas.iterator(); it.hasNext(); ) {
            Replica r = it.next();
            if (r.process == null) {
                if (r.leaving()) {
                    it.remove(); // removed before its process started
                } else if (now >= r.desiredAt + settings.podStartup()) {
                    launch(r, now);
                }
                continue;
            }
            readOutput(r, log);
            if (r.leaving()) {
                if (!r.process.alive()) {
                    readOutput(r, log);
                    it.remove();
                } else if (now >= r.terminatedAt + settings.terminationGrace()) {
                    kill(r, now, log);
                    it.remove();
                }
                continue;
            }
            checkAlive(r);
            if (!r.ready()) {
                if (online.containsKey(r.pod)) {
                    cameOnline(r, online.get(r.pod), now);
                } else if (now >= r.launchedAt + settings.readyTimeout()) {
                    throw notOnline(r);
                }
            }
        }
    }

    private static void checkAlive(Replica r) {
        if (!r.process.alive()) {
            throw new WorkerFailedException("worker " + r.pod + " exited with code " + r.process.exitCode()
                    + (r.ready() ? "" : " before it came online") + "; its last lines: " + r.process.lastLines(5));
        }
    }

    private WorkerFailedException notOnline(Replica r) {
        return new WorkerFailedException("worker " + r.pod + " did not come online within "
                + Math.round(settings.readyTimeout()) + " s (no heartbeat on the broker: a wrong broker URL, or"
                + " --without-heartbeat?); its last lines: " + r.process.lastLines(5));
    }

    private void launch(Replica r, double now) {
        try {
            if (watchdog == null) {
                watchdog = OrphanWatchdog.start(settings.logDir());
            }
            r.process = WorkerProcess.start(settings.command(), r.pod, settings.brokerUrl(), settings.logDir());
            everStarted.add(r.process);
            watchWorkers();
            r.launchedAt = now;
            r.launchedEpoch = System.currentTimeMillis() / 1000.0;
        } catch (IOException e) {
            throw new WorkerFailedException("cannot start the worker command: " + e.getMessage());
        }
    }

    /**
     * Reads what a worker logged. A task its app does not register is dropped: no run can succeed, so say so at once.
     * A task's success, logged at INFO by the pool process, counts as its end: once a worker has had SIGTERM it sends
     * no task events (Celery 5.2 buffers them until its shutdown ends, and SIGKILL at the grace period drops them),
     * so for a task that ends within the grace its log line is the only word (measured: bench/WORKERS.md).
     */
    private void readOutput(Replica r, TaskLog log) {
        for (String line : r.process.newLines()) {
            if (line.contains("unregistered task")) {
                Matcher m = UNREGISTERED.matcher(line);
                throw new WorkerFailedException("the workers do not know task '" + (m.find() ? m.group(1) : "?")
                        + "': --task must name a task the worker command's app registers (worker " + r.pod
                        + " said: " + line.strip() + ")");
            }
            Matcher succeeded = SUCCEEDED.matcher(line);
            if (succeeded.find()) {
                sawSuccessLines = true;
                ended(r.pod, succeeded.group(1), log);
            }
        }
    }

    /** A task left its worker's slot for good: by its event, or by its success line where no event came. */
    private void ended(String pod, String taskId, TaskLog log) {
        log.succeeded(taskId);
        running.computeIfAbsent(pod, k -> new HashSet<>()).remove(taskId);
    }

    private void kill(Replica r, double now, TaskLog log) {
        r.process.kill();
        log.killed(r.pod, now);
        readOutput(r, log);
        runningAtKill.addAll(running.getOrDefault(r.pod, Set.of()));
    }

    private void readTaskEvents(TaskLog log) {
        for (ChannelMessage message : taskEvents.drain()) {
            List<TaskEvent> events;
            try {
                events = TaskEventDecoder.decode(message.message());
            } catch (UndecodableMessageException e) {
                continue;
            }
            for (TaskEvent e : events) {
                sawTaskEvents = true;
                String pod = podOf(e.hostname());
                switch (e.type()) {
                    case TaskEvent.RECEIVED -> {
                        log.received(e.taskId(), pod, message.at());
                        reserved.computeIfAbsent(pod, k -> new HashSet<>()).add(e.taskId());
                    }
                    case TaskEvent.STARTED -> {
                        log.started(e.taskId(), message.at());
                        reserved.computeIfAbsent(pod, k -> new HashSet<>()).remove(e.taskId());
                        running.computeIfAbsent(pod, k -> new HashSet<>()).add(e.taskId());
                    }
                    default -> {
                        if (e.endsTheTask()) {
                            ended(pod, e.taskId(), log);
                        }
                    }
                }
            }
        }
    }

    private static String podOf(String hostname) {
        if (hostname == null) {
            return "";
        }
        int at = hostname.indexOf('@');
        return at < 0 ? hostname : hostname.substring(at + 1);
    }

    /**
     * The pods the exporter heard online (and not stopping) at its last poll, with the wall-clock time each came
     * online (NaN where its first heartbeat was missed).
     */
    private Map<String, Double> online() {
        PollResult poll = lastPoll.get();
        Map<String, Double> out = new HashMap<>();
        if (poll != null) {
            for (LiveWorker w : poll.workers().holders()) {
                if (!w.stopping()) {
                    out.put(podOf(w.hostname()), w.startedAt());
                }
            }
        }
        return out;
    }

    private void cameOnline(Replica r, double onlineEpoch, double now) {
        r.readyAt = now;
        if (!Double.isNaN(onlineEpoch)) {
            double boot = Math.max(0, onlineEpoch - r.launchedEpoch);
            boots.add(boot);
            if (r.startedIndex >= 0) {
                bootsInOrder.set(r.startedIndex, boot);
            }
        }
    }

    /**
     * Seconds from each worker process's start to its first heartbeat: the time the user's app takes to boot, which
     * a pod spends within its start-up. Those the run started, in order; otherwise the mean of every worker's (NaN
     * before any came online).
     */
    Boots boots() {
        return new Boots(bootsInOrder, boots.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    }

    @Override
    public int size() {
        return (int) replicas.stream().filter(r -> !r.leaving()).count();
    }

    @Override
    public int existing() {
        return replicas.size();
    }

    @Override
    public boolean idle(double now) {
        WorkerFigures f = figures(now);
        return f.executing() == 0 && f.prefetched() == 0;
    }

    /**
     * With task events, what each pod runs and holds is known from them, within milliseconds, and orphaned tasks are
     * the rehearsal's entries in {@code unacked} that no pod holds; without, all comes from the exporter's last poll
     * (heartbeats every 2 s, and its attribution of {@code unacked}).
     */
    @Override
    public WorkerFigures figures(double now) {
        Set<String> online = new HashSet<>();
        Set<String> existing = new HashSet<>();
        for (Replica r : replicas) {
            existing.add(r.pod);
            if (r.ready() && !r.leaving()) {
                online.add(r.pod);
            }
        }
        long executing = 0;
        long prefetched = 0;
        long orphaned = 0;
        PollResult poll = lastPoll.get();
        QueueStats q = poll == null ? null : poll.queue(queueName).orElse(null);
        if (q != null && q.held() != null) {
            prefetched = q.held().prefetched();
            orphaned = q.held().orphaned();
        }
        if (sawTaskEvents) {
            executing = online.stream().mapToLong(pod -> running.getOrDefault(pod, Set.of()).size()).sum();
            prefetched = existing.stream().mapToLong(pod -> reserved.getOrDefault(pod, Set.of()).size()).sum();
            Set<String> unheld = new HashSet<>(queue.unackedIds()); // the rehearsal's own few: read at most once a second
            for (String pod : existing) {
                unheld.removeAll(reserved.getOrDefault(pod, Set.of()));
                unheld.removeAll(running.getOrDefault(pod, Set.of()));
            }
            orphaned = unheld.size();
        } else if (poll != null) {
            for (LiveWorker w : poll.workers().holders()) {
                executing += online.contains(podOf(w.hostname())) ? w.executing() : 0;
            }
        }
        return new WorkerFigures(online.size(), (long) online.size() * settings.concurrency(), executing, 0,
                prefetched, orphaned);
    }

    @Override
    public List<Pod> pods(double now) {
        List<Pod> out = new ArrayList<>();
        for (Replica r : replicas) {
            out.add(new Pod(r.pod, r.uid, r.ready() ? Pod.Phase.RUNNING : Pod.Phase.PENDING, r.ready(), r.desiredAt,
                    r.desiredAt, r.ready() ? r.readyAt : r.desiredAt, r.leaving()));
        }
        return out;
    }

    @Override
    public void sampleCpu(double now, int window) {
        // a real worker's CPU is not measured: a CPU metric reads as missing, as without metrics-server
    }

    @Override
    public Map<String, Double> cpuByPod() {
        return Map.of();
    }

    /**
     * Stops every worker as a scale to zero would (SIGTERM; SIGKILL after the grace, or after a few seconds when the
     * run was cut short), reads their last task events, and judges each task: still queued or unacknowledged is not
     * lost. Without task events ({@code -E}) the fates cannot be known.
     */
    @Override
    public TaskLog.Figures finish(TaskLog log, TaskQueue tasks, double now, double measureFrom) {
        double grace = Math.min(settings.terminationGrace(), cutShort.getAsBoolean() ? CUT_SHORT_GRACE : 1e9);
        for (Replica r : replicas) {
            if (r.process != null && !r.leaving()) {
                r.terminatedAt = now;
                log.terminated(r.pod, now);
                r.process.terminate();
            }
        }
        long deadline = System.nanoTime() + (long) (grace * 1e9);
        for (Replica r : replicas) {
            if (r.process != null && !r.process.awaitExit(Math.max(0, (deadline - System.nanoTime()) / 1e9))) {
                kill(r, now + grace, log);
            } else if (r.process != null) {
                readOutput(r, log);
            }
        }
        replicas.clear();
        taskEvents.sync(java.time.Duration.ofSeconds((long) EVENTS_FLUSH_SECONDS));
        readTaskEvents(log);
        endsUnseen = sawSuccessLines ? 0 : (int) runningAtKill.stream().filter(id -> !log.hasSucceeded(id)).count();
        if (!sawTaskEvents) {
            return TaskLog.Figures.UNKNOWN;
        }
        Set<String> stillThere = new HashSet<>(tasks.queuedIds());
        Set<String> unacked = queue.unackedIds();
        stillThere.addAll(unacked);
        return log.figures(measureFrom, stillThere, unacked.size());
    }

    boolean sawTaskEvents() {
        return sawTaskEvents;
    }

    /**
     * Tasks that were running on a worker when it was killed and whose end nothing showed: without the workers' INFO
     * log lines, some of those counted lost may have ended within the grace. 0 when the workers log at INFO.
     */
    int endsUnseen() {
        return endsUnseen;
    }

    /** Kills whatever this rehearsal started and is still running, children included. */
    @Override
    public void close() {
        for (WorkerProcess p : everStarted) {
            if (p.alive()) {
                p.kill();
            }
        }
        if (watchdog != null) {
            watchdog.close();
        }
    }

    private void watchWorkers() {
        Set<Long> pids = new HashSet<>();
        everStarted.forEach(p -> pids.addAll(p.pids()));
        watchdog.watch(pids);
    }

}
