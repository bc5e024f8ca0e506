package io.celeryexporter.poll;

import io.celeryexporter.broker.ChannelMessage;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.broker.Subscription;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.TaskEvent;
import io.celeryexporter.celery.TaskEventDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import io.celeryexporter.tracking.TaskFlow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller's side of Celery task events, where producers send {@code task-sent} ({@code task_send_sent_event})
 * and workers run with {@code -E}: the {@code celeryev} fanout, read as Flower and celery-exporter read it, with a
 * read-only subscription. A queue's arrivals, departures and waits come from its events once its first
 * {@code task-sent} arrives; its depth and ages still come from the snapshots.
 *
 * <p>Events are trusted only while they agree with the snapshots: the arrivals and departures the snapshots saw are
 * lower bounds, so events that fall short of them at two polls in a row (a producer that sends no {@code task-sent},
 * a worker without {@code -E}, a requeue, which sends no event) make the queue's counts inexact. Not thread-safe:
 * the poller thread owns it.
 */
final class TaskEvents implements AutoCloseable {

    /** Task ids remembered from {@code task-sent} until their {@code task-received}, at most. */
    static final int MAX_PENDING_TASKS = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(TaskEvents.class);

    private final RedisBroker broker;
    private final KeyNaming naming;
    private final PollClock clock;
    private final PollCounters counters;
    private final Map<String, Sent> sent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > MAX_PENDING_TASKS;
        }
    };
    private final Map<String, QueueState> queues = new HashMap<>();
    private Subscription<ChannelMessage> subscription;

    /** When a task was sent, to which queue, and whether a worker has received it since. */
    private record Sent(String queue, double at, boolean received) {}

    /** One queue's event counts and what the snapshots had counted when they began. */
    private static final class QueueState {
        final TaskFlow flow;
        final long snapshotEnqueuedBefore;
        final long snapshotDequeuedBefore;
        boolean shortBefore;

        QueueState(QueueWait snapshots) {
            flow = new TaskFlow(snapshots.enqueued(), snapshots.dequeued(), snapshots.waits());
            snapshotEnqueuedBefore = snapshots.enqueued();
            snapshotDequeuedBefore = snapshots.dequeued();
        }
    }

    /** The snapshot figures of each queue at the last poll: where a queue's event counts start from. */
    private final Map<String, QueueWait> lastSnapshots = new HashMap<>();

    TaskEvents(RedisBroker broker, KeyNaming naming, PollClock clock, PollCounters counters) {
        this.broker = broker;
        this.naming = naming;
        this.clock = clock;
        this.counters = counters;
    }

    /** Starts or stops listening. */
    void listen(boolean on) {
        if (on && subscription == null) {
            subscription = broker.subscribeToPattern(TaskEventDecoder.channelPattern(naming, broker.database()),
                    "celery task events", () -> clock.now().monotonicSeconds());
            LOG.info("listening for Celery task events (task-sent from producers with task_send_sent_event,"
                    + " task-received from workers run with -E)");
        } else if (!on && subscription != null) {
            close();
        }
    }

    boolean listening() {
        return subscription != null;
    }

    /** Some queue's flow comes from task events. */
    boolean flowing() {
        return subscription != null && !queues.isEmpty();
    }

    /** Takes the events received since the last poll into the queues' counts. */
    void take() {
        if (subscription == null) {
            return;
        }
        for (ChannelMessage m : subscription.drain()) {
            try {
                for (TaskEvent e : TaskEventDecoder.decode(m.message())) {
                    apply(e, m.at());
                }
            } catch (UndecodableMessageException e) {
                counters.undecodable().record(UndecodableCounter.UNKNOWN, e.getMessage());
            }
        }
    }

    private void apply(TaskEvent e, double at) {
        if (e.type().equals(TaskEvent.SENT) && e.queue() != null) {
            QueueWait before = lastSnapshots.get(e.queue());
            if (before == null) {
                return; // not a queue this exporter reads
            }
            sent.put(e.taskId(), new Sent(e.queue(), at, false));
            queues.computeIfAbsent(e.queue(), q -> new QueueState(before)).flow.sent();
        } else if (e.type().equals(TaskEvent.RECEIVED)) {
            Sent s = sent.get(e.taskId());
            QueueState state = s == null ? null : queues.get(s.queue());
            if (state == null) {
                return; // sent before the exporter listened, or by a producer that sends no task-sent
            }
            if (s.received()) {
                state.flow.receivedAgain();
            } else {
                state.flow.received(at - s.at());
                sent.put(e.taskId(), new Sent(s.queue(), s.at(), true));
            }
        }
    }

    /**
     * A queue's figures with its flow from events, when it has any; the snapshots' figures otherwise. Called once
     * per queue and poll, with what the snapshots counted.
     */
    QueueWait combine(String queue, QueueWait snapshots) {
        lastSnapshots.put(queue, snapshots);
        QueueState state = queues.get(queue);
        if (state == null) {
            return snapshots;
        }
        TaskFlow flow = state.flow;
        boolean isShort = snapshots.enqueued() - state.snapshotEnqueuedBefore > flow.sentSinceStart()
                || snapshots.dequeued() - state.snapshotDequeuedBefore > flow.receivedSinceStart();
        boolean exact = subscription != null && subscription.subscribed() && !(isShort && state.shortBefore);
        state.shortBefore = isShort;
        return new QueueWait(snapshots.oldestAge(), snapshots.averageWait(), snapshots.ageIsLowerBound(),
                flow.enqueued(), flow.dequeued(), snapshots.restored(), flow.waits(), exact);
    }

    /** Forgets the queues no longer read. */
    void retain(Set<String> current) {
        queues.keySet().retainAll(current);
        lastSnapshots.keySet().retainAll(current);
    }

    Optional<Subscription<ChannelMessage>> subscription() {
        return Optional.ofNullable(subscription);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
