package io.celeryexporter.poll;

import io.celeryexporter.broker.ChannelMessage;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.broker.Subscription;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.TaskEvent;
import io.celeryexporter.celery.TaskEventDecoder;
import io.celeryexporter.celery.UndecodableMessageException;
import io.celeryexporter.celery.WorkerEventDecoder;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.PollTime;
import io.celeryexporter.workers.TaskHolders;
import io.celeryexporter.workers.WorkerRegistry;
import io.celeryexporter.workers.WorkersConfig;
import io.celeryexporter.workers.WorkersView;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller's side of the workers: a read-only subscription to Celery's {@code celeryev} fanout, where workers
 * publish {@code worker-online}, a heartbeat every 2 s and {@code worker-offline} (also without {@code -E}), and,
 * with {@code -E}, the task events that say which worker holds which task. Each poll takes what arrived since the
 * last one. Not thread-safe: the poller thread owns it.
 */
final class WorkerEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerEvents.class);

    private final Subscription<ChannelMessage> subscription;
    private final PollClock clock;
    private final WorkerRegistry registry;
    private final TaskHolders holders = new TaskHolders();
    private final LongAdder malformed;
    private boolean loggedMalformed;

    WorkerEvents(RedisBroker broker, KeyNaming naming, WorkersConfig config, PollClock clock, LongAdder malformed) {
        this.clock = clock;
        this.malformed = malformed;
        this.registry = new WorkerRegistry(config.grouping(), config.stopGrace().toMillis() / 1000.0);
        subscription = broker.subscribeToPatterns(
                WorkerEventDecoder.channelPatterns(naming, broker.database(), broker.viaSentinel()),
                "celery worker events", () -> clock.now().monotonicSeconds());
    }

    /** Takes the events received since the last poll; returns the workers as they are now. */
    WorkersView take() {
        PollTime now = clock.now();
        for (ChannelMessage m : subscription.drain()) {
            // the wall-clock time it was received, from the monotonic stamp: the clocks' offset does not drift
            PollTime at = new PollTime(now.wallSeconds() - (now.monotonicSeconds() - m.at()), m.at());
            try {
                if (WorkerEventDecoder.isWorkerChannel(m.channel())) {
                    registry.apply(WorkerEventDecoder.decode(m.message()), at);
                } else {
                    for (TaskEvent e : TaskEventDecoder.decode(m.message())) {
                        holders.apply(e);
                    }
                }
            } catch (UndecodableMessageException e) {
                malformed.increment();
                if (!loggedMalformed) {
                    loggedMalformed = true;
                    LOG.warn("skipped a malformed Celery event (counted in celery_exporter_malformed_events_total;"
                            + " logged once): {}", e.getMessage());
                }
            }
        }
        boolean up = subscription.subscribed();
        registry.expire(now.monotonicSeconds(), up ? subscription.subscribedAt() : Double.NaN);
        // after a gap, a whole heartbeat window again before a silent worker is taken for gone
        return registry.view(up, up && now.monotonicSeconds() - subscription.subscribedAt()
                >= WorkersView.HEARD_WITHIN);
    }

    TaskHolders holders() {
        return holders;
    }

    @Override
    public void close() {
        subscription.close();
    }
}
