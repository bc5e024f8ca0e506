package io.celeryexporter.poll;

import io.celeryexporter.broker.BrokerException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Poller} on its own thread every poll interval and publishes each result to the
 * {@link ExporterState}.
 *
 * <p>Failures are logged when they start, when their reason changes, and when the broker comes back, never once per
 * poll. An unreachable broker is retried every interval, so the exporter recovers within one interval. Rejected
 * credentials or permissions will not fix themselves quickly, so those retries back off up to
 * {@link #MAX_BACKOFF}, and so do those of a server the exporter cannot work with (a Redis Cluster node).
 *
 * <p>Whatever a poll throws is caught: an exception or an ordinary {@link Error} is logged and counted, and polling
 * goes on; a {@link VirtualMachineError} (out of memory) ends the process ({@link FatalError}).
 */
public final class PollLoop implements AutoCloseable {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    private final PollSource poller;
    private final ExporterState state;
    private final Duration interval;
    private final Consumer<VirtualMachineError> onFatal;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "poller");
        t.setDaemon(true);
        return t;
    });

    private int consecutiveFailures;
    private String lastLoggedError;

    public PollLoop(PollSource poller, ExporterState state, Duration interval) {
        this(poller, state, interval, FatalError::halt);
    }

    /** @param onFatal what to do when the JVM itself fails (out of memory): by default, end the process */
    PollLoop(PollSource poller, ExporterState state, Duration interval, Consumer<VirtualMachineError> onFatal) {
        this.poller = poller;
        this.state = state;
        this.interval = interval;
        this.onFatal = onFatal;
    }

    public void start() {
        executor.execute(this::pollAndReschedule);
    }

    private void pollAndReschedule() {
        Duration next = interval;
        long start = System.nanoTime();
        try {
            state.publish(poller.poll());
            if (consecutiveFailures > 0) {
                LOG.info("broker reachable again after {} failed poll(s)", consecutiveFailures);
            }
            consecutiveFailures = 0;
            lastLoggedError = null;
        } catch (BrokerException e) {
            next = afterFailure(e.getMessage(), e.kind() == BrokerException.Kind.AUTHENTICATION
                    || e.kind() == BrokerException.Kind.PERMISSION || e.kind() == BrokerException.Kind.UNSUPPORTED,
                    start);
        } catch (VirtualMachineError e) {
            // The executor would swallow this and the poller would stop for good, while /metrics kept answering:
            // a process that looks healthy and exports nothing. End it instead, so Kubernetes restarts it.
            state.recordFailure("fatal " + e.getClass().getSimpleName(), (System.nanoTime() - start) / 1e9);
            onFatal.accept(e);
            return;
        } catch (RuntimeException | Error e) {
            // A bug must not stop the poller: count it, log it once, keep polling.
            next = afterFailure("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), false, start);
            if (consecutiveFailures == 1) {
                LOG.error("unexpected poll failure", e);
            }
        }
        if (!executor.isShutdown()) {
            executor.schedule(this::pollAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Duration afterFailure(String message, boolean backOff, long startNanos) {
        consecutiveFailures++;
        state.recordFailure(message, (System.nanoTime() - startNanos) / 1e9);
        if (!message.equals(lastLoggedError)) {
            LOG.warn("poll failed: {}", message);
            lastLoggedError = message;
        }
        if (!backOff) {
            return interval;
        }
        long factor = 1L << Math.min(consecutiveFailures - 1, 10);
        Duration delay = interval.multipliedBy(factor);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
