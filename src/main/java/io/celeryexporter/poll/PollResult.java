package io.celeryexporter.poll;

import io.celeryexporter.tracking.PollTime;
import io.celeryexporter.workers.WorkersView;
import java.util.List;
import java.util.Optional;

/**
 * Everything one successful poll read, immutable; scrapes and the landing page serve it as is.
 *
 * @param arrivalSearch how arrivals were found: with {@code LPOS}, or by reading the newest elements
 * @param workers       the workers, from their events; {@link WorkersView#NONE} with the worker side off
 */
public record PollResult(List<QueueStats> queues, PollTime takenAt, double durationSeconds,
                         ArrivalSearch arrivalSearch, WorkersView workers) {

    /** How a poll finds where the previous newest element stands. */
    public enum ArrivalSearch { LPOS, LRANGE }

    public PollResult {
        queues = List.copyOf(queues);
    }

    public PollResult(List<QueueStats> queues, PollTime takenAt, double durationSeconds,
                      ArrivalSearch arrivalSearch) {
        this(queues, takenAt, durationSeconds, arrivalSearch, WorkersView.NONE);
    }

    /** The queue of this name, if this poll read it. */
    public Optional<QueueStats> queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst();
    }

    public double takenAtEpochSeconds() {
        return takenAt.wallSeconds();
    }
}
