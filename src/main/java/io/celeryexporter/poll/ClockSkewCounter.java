package io.celeryexporter.poll;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts messages whose own time (publish header) contradicted what the exporter saw of their arrival on its
 * monotonic clock: the producer's or the exporter's wall clock is off, or has stepped. Logged once, the first time.
 */
public final class ClockSkewCounter {

    private static final Logger LOG = LoggerFactory.getLogger(ClockSkewCounter.class);

    private final LongAdder count = new LongAdder();

    void record(String queue, double messageSeconds, double wallSeconds) {
        count.increment();
        if (count.sum() == 1) {
            LOG.warn("clock skew: a task in queue '{}' says it was published at {}, which this exporter's wall clock"
                            + " ({}) and what it saw of the task's arrival cannot both be right; its age is clamped to"
                            + " what was seen (counted in celery_exporter_clock_skew_events_total, logged once)",
                    queue, Instant.ofEpochMilli(Math.round(messageSeconds * 1000)),
                    Instant.ofEpochMilli(Math.round(wallSeconds * 1000)));
        }
    }

    public long total() {
        return count.sum();
    }
}
