package io.celeryexporter.exporter;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hand-off between the poller (the only writer) and HTTP requests (readers). Readers never touch Redis: they
 * read the last published {@link PollResult} and the health fields.
 */
public final class ExporterState {

    private final Clock clock;
    private final Duration staleAfter;
    private final UndecodableCounter undecodable = new UndecodableCounter();
    private final LongAdder pollErrors = new LongAdder();

    private volatile PollResult latest;
    private volatile boolean brokerUp;
    private volatile double lastPollSeconds = Double.NaN;
    private volatile String lastError;

    public ExporterState(Clock clock, Duration staleAfter) {
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    void publish(PollResult result) {
        latest = result;
        brokerUp = true;
        lastPollSeconds = result.durationSeconds();
        lastError = null;
    }

    void recordFailure(String error, double durationSeconds) {
        pollErrors.increment();
        brokerUp = false;
        lastPollSeconds = durationSeconds;
        lastError = error;
    }

    /** The last result, unless it is older than the staleness limit: then queue figures are withheld. */
    public Optional<PollResult> fresh() {
        PollResult result = latest;
        if (result == null || nowSeconds() - result.takenAtEpochSeconds() > staleAfter.toMillis() / 1000.0) {
            return Optional.empty();
        }
        return Optional.of(result);
    }

    /** Ready once a poll has succeeded, and for as long as the last poll did. */
    public boolean isReady() {
        return brokerUp && latest != null;
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

    public UndecodableCounter undecodable() {
        return undecodable;
    }

    double nowSeconds() {
        return clock.millis() / 1000.0;
    }
}
