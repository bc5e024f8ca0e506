package io.celeryexporter.exporter;

import java.util.List;

/** Everything one successful poll read, immutable; scrapes and the landing page serve it as is. */
public record PollResult(List<QueueStats> queues, double takenAtEpochSeconds, double durationSeconds) {

    public PollResult {
        queues = List.copyOf(queues);
    }
}
