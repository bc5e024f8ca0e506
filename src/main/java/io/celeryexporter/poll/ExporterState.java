package io.celeryexporter.poll;

import io.celeryexporter.tracking.PollClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The hand-off between the poller (the only writer) and HTTP requests (readers). Readers never touch Redis: they
 * read the last published {@link PollResult} and the health fields.
 */
public final class ExporterState {

    private final PollClock clock;
    private final Duration staleAfter;
    private final PollCounters counters = new PollCounters();
    private final LongAdder pollErrors = new LongAdder();

    private volatile PollResult latest;
    private volatile boolean brokerUp;
    private volatile double lastPollSeconds = Double.NaN;
    private volatile String lastError;
    private final List<Consumer<PollResult>> listeners = new CopyOnWriteArrayList<>();

    public ExporterState(PollClock clock, Duration staleAfter) {
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    void publish(PollResult result) {
        latest = result;
        brokerUp = true;
        lastPollSeconds = result.durationSeconds();
        lastError = null;
        for (Consumer<PollResult> listener : listeners) {
            listener.accept(result);
        }
    }

    /** Hands every published result to {@code listener}, on the poll thread: it must return at once. */
    public void onPublish(Consumer<PollResult> listener) {
        listeners.add(listener);
    }

    void recordFailure(String error, double durationSeconds) {
        pollErrors.increment();
        brokerUp = false;
        lastPollSeconds = durationSeconds;
        lastError = error;
    }

    /**
     * The last result, unless it is older than the staleness limit: then queue figures are withheld. Measured on the
     * monotonic clock, so a wall-clock step neither withholds fresh figures nor serves stale ones.
     */
    public Optional<PollResult> fresh() {
        PollResult result = latest;
        if (result == null || clock.now().monotonicSeconds() - result.takenAt().monotonicSeconds()
                > staleAfter.toMillis() / 1000.0) {
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /** The last successful poll, fresh or not. */
    public Optional<PollResult> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * Ready once a poll has succeeded, and for as long as the last poll did and is fresh: a poller that stopped, or
     * polls that take too long, make the exporter unready even if no poll failed.
     */
    public boolean isReady() {
        return brokerUp && fresh().isPresent();
    }

    /** Why {@link #isReady()} is false, in one line. */
    public String notReadyReason() {
        if (lastError != null) {
            return lastError;
        }
        if (latest == null) {
            return "no successful poll of the broker yet";
        }
        return "the last successful poll is older than " + staleAfter.toMillis() / 1000.0
                + " s: polls are stuck or too slow";
    }

    public boolean brokerUp() {
        return brokerUp;
    }

    public double lastSuccessEpochSeconds() {
        PollResult result = latest;
        return result == null ? 0 : result.takenAtEpochSeconds();
    }

    public long pollErrors() {
        return pollErrors.sum();
    }

    public double lastPollSeconds() {
        return lastPollSeconds;
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public PollCounters counters() {
        return counters;
    }
}
