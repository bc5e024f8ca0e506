package io.celeryexporter.poll;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.tracking.QueueWait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A poller of one queue on its own thread at the configured interval, as the exporter runs it, keeping the last result. */
final class BackgroundPolling implements AutoCloseable {

    final AtomicReference<QueueStats> last = new AtomicReference<>();
    /** The whole result of the last poll. */
    final AtomicReference<PollResult> lastResult = new AtomicReference<>();
    /** Every poll's result, oldest first. */
    private final List<PollResult> history = new ArrayList<>();
    final PollCounters counters = new PollCounters();
    private final Thread thread;
    private final Poller poller;
    private volatile boolean stop;

    /** One queue on every priority step, every 250 ms, with {@code --flows auto}. */
    static BackgroundPolling of(RedisBroker broker, String queue) {
        return new BackgroundPolling(broker, new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL,
                List.of(queue), Duration.ofMillis(250), Duration.ofSeconds(30), ExporterConfig.TaskBreakdownConfig.OFF)
                .withFlows(ExporterConfig.Flows.AUTO));
    }

    BackgroundPolling(RedisBroker broker, ExporterConfig config) {
        poller = new Poller(broker, config, new MessageDecoder(List.of()), counters, PollClock.system());
        keep(poller.poll());
        thread = new Thread(() -> {
            while (!stop) {
                try {
                    Thread.sleep(config.pollInterval().toMillis()); // the exporter's cadence
                } catch (InterruptedException e) {
                    return;
                }
                keep(poller.poll());
            }
        }, "test-poller");
        thread.setDaemon(true);
        thread.start();
    }

    private void keep(PollResult result) {
        synchronized (history) {
            history.add(result);
        }
        lastResult.set(result);
        last.set(result.queues().get(0));
    }

    /** The results of the polls from the {@code from}-th on. */
    List<PollResult> history(int from) {
        synchronized (history) {
            return List.copyOf(history.subList(from, history.size()));
        }
    }

    int polls() {
        synchronized (history) {
            return history.size();
        }
    }

    QueueWait waiting() {
        return last.get().waiting();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
