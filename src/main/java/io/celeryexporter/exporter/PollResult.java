package io.celeryexporter.exporter;

import io.celeryexporter.tracking.PollTime;
import java.util.List;

/** Everything one successful poll read, immutable; scrapes and the landing page serve it as is. */
public record PollResult(List<QueueStats> queues, PollTime takenAt, double durationSeconds) {

    public PollResult {
        queues = List.copyOf(queues);
    }

    public double takenAtEpochSeconds() {
        return takenAt.wallSeconds();
    }
}
