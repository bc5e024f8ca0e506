package io.celeryexporter.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.celeryexporter.testing.ChildProcess;
import io.celeryexporter.testing.Eventually;
import io.celeryexporter.tracking.PollClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Whatever a poll throws, the exporter never turns into a zombie that looks healthy and exports nothing: exceptions
 * and ordinary errors are counted and polling goes on; a stuck poller makes it unready; running out of memory ends
 * the process.
 */
class PollLoopFailuresTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private static PollResult ok() {
        return new PollResult(List.of(), PollClock.system().now(), 0.001, PollResult.ArrivalSearch.LPOS);
    }

    @Test
    void anExceptionAndAnErrorAreCountedAndPollingGoesOn() {
        ExporterState state = new ExporterState(PollClock.system(), INTERVAL.multipliedBy(3));
        AtomicInteger polls = new AtomicInteger();
        PollSource flaky = () -> switch (polls.incrementAndGet()) {
            case 2 -> throw new IllegalStateException("a bug");
            case 3 -> throw new AssertionError("an Error that is not the JVM's");
            default -> ok();
        };
        try (PollLoop loop = new PollLoop(flaky, state, INTERVAL, e -> { throw new AssertionError("not fatal"); })) {
            loop.start();
            Eventually.await(Duration.ofSeconds(10), "polls after the failures", () -> polls.get() >= 6);
            assertEquals(2, state.pollErrors(), "both failures counted");
            Eventually.await(Duration.ofSeconds(10), "ready again", state::isReady);
        }
    }

    @Test
    void aStuckPollerMakesTheExporterUnready() throws Exception {
        ExporterState state = new ExporterState(PollClock.system(), INTERVAL.multipliedBy(3));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger polls = new AtomicInteger();
        PollSource stuck = () -> {
            if (polls.incrementAndGet() > 1) {
                try {
                    release.await(); // a poll that never returns, as a hung socket would
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ok();
        };
        try (PollLoop loop = new PollLoop(stuck, state, INTERVAL)) {
            loop.start();
            Eventually.await(Duration.ofSeconds(10), "the first poll", state::isReady);
            Eventually.await(Duration.ofSeconds(10), "unready once the last poll is stale", () -> !state.isReady());
            assertEquals(0, state.pollErrors(), "nothing failed: the poller is just stuck");
            assertTrue(state.notReadyReason().contains("older than 0.15 s"), state.notReadyReason());
            assertTrue(state.fresh().isEmpty(), "queue series withheld");
        } finally {
            release.countDown();
        }
    }

    @Test
    void runningOutOfMemoryIsHandedToTheFatalHandler() {
        ExporterState state = new ExporterState(PollClock.system(), INTERVAL.multipliedBy(3));
        AtomicReference<VirtualMachineError> fatal = new AtomicReference<>();
        AtomicInteger polls = new AtomicInteger();
        PollSource oom = () -> {
            polls.incrementAndGet();
            throw new OutOfMemoryError("Java heap space");
        };
        try (PollLoop loop = new PollLoop(oom, state, INTERVAL, fatal::set)) {
            loop.start();
            Eventually.await(Duration.ofSeconds(10), "the fatal handler", () -> fatal.get() != null);
            assertInstanceOf(OutOfMemoryError.class, fatal.get());
            assertFalse(state.isReady());
            assertEquals(1, polls.get(), "no poll after a fatal error");
        }
    }

    /** The default fatal handler, in a child JVM: it must end the process with one line, not leave it running. */
    @Test
    void theDefaultFatalHandlerEndsTheProcess() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), OutOfMemoryPollMain.class.getName()));
        ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(30));
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("fatal java.lang.OutOfMemoryError: Java heap space"), r.err());
        assertFalse(r.out().contains("still running"), r.out());
    }

    /** A poll loop whose poll runs out of memory, with the production handler. */
    public static final class OutOfMemoryPollMain {
        public static void main(String[] args) throws Exception {
            ExporterState state = new ExporterState(PollClock.system(), Duration.ofSeconds(1));
            new PollLoop(() -> {
                throw new OutOfMemoryError("Java heap space");
            }, state, Duration.ofMillis(50)).start();
            Thread.sleep(10_000);
            System.out.println("still running");
        }
    }
}
