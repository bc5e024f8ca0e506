package io.celeryexporter.poll;

import io.celeryexporter.tracking.PollTime;
import java.util.List;

/**
 * Everything one successful poll read, immutable; scrapes and the landing page serve it as is.
 *
 * @param arrivalSearch how arrivals were found: with {@code LPOS}, or by reading the newest elements
 */
public record PollResult(List<QueueStats> queues, PollTime takenAt, double durationSeconds,
                         ArrivalSearch arrivalSearch) {

    /** How a poll finds where the previous newest element stands. */
    public enum ArrivalSearch { LPOS, LRANGE }

    public PollResult {
        queues = List.copyOf(queues);
    }

    public double takenAtEpochSeconds() {
        return takenAt.wallSeconds();
    }
}
