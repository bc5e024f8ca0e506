package io.celeryexporter.bench;

import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.PollResult;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.testing.Brokers;
import io.celeryexporter.tracking.PollClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** This exporter's poll, with its default settings (every priority step 0–9). */
final class ExporterApproach implements Approach {

    private final RedisBroker broker;
    private final Poller poller;
    private volatile PollResult last;

    ExporterApproach(String url, String queue, boolean breakdown) {
        broker = Brokers.connect(url, Duration.ofSeconds(120));
        ExporterConfig config = new ExporterConfig(KeyNaming.withPrefix(""), PrioritySteps.ALL, List.of(queue),
                Duration.ofSeconds(1), Duration.ofSeconds(30),
                breakdown ? new ExporterConfig.TaskBreakdownConfig(true, 100, Integer.MAX_VALUE)
                        : ExporterConfig.TaskBreakdownConfig.OFF);
        poller = new Poller(broker, config, new MessageDecoder(List.of()), new PollCounters(), PollClock.system());
    }

    @Override
    public String name() {
        return "this exporter";
    }

    @Override
    public synchronized void poll() {
        last = poller.poll();
    }

    PollResult last() {
        return last;
    }

    @Override
    public Set<String> commands() {
        return Set.of("multi", "exec", "scan", "smembers", "hscan");
    }

    @Override
    public void close() {
        broker.close();
    }
}
