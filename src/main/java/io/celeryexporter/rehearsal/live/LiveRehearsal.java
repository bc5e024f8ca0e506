package io.celeryexporter.rehearsal.live;

import io.celeryexporter.autoscaling.Autoscaler;
import io.celeryexporter.autoscaling.PodUids;
import io.celeryexporter.broker.BrokerConnector;
import io.celeryexporter.broker.BrokerException;
import io.celeryexporter.broker.BrokerSettings;
import io.celeryexporter.broker.RedisBroker;
import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.MessageDecoder;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.exporter.Exporter;
import io.celeryexporter.poll.ExporterConfig;
import io.celeryexporter.poll.PollCounters;
import io.celeryexporter.poll.Poller;
import io.celeryexporter.rehearsal.Boots;
import io.celeryexporter.rehearsal.ExporterView;
import io.celeryexporter.rehearsal.MetricsPipeline;
import io.celeryexporter.rehearsal.PrometheusSamples;
import io.celeryexporter.rehearsal.Simulation;
import io.celeryexporter.rehearsal.Traffic;
import io.celeryexporter.rehearsal.Workers;
import io.celeryexporter.workers.WorkerGrouping;
import io.celeryexporter.workers.WorkersConfig;
import io.celeryexporter.celery.TaskEventDecoder;
import io.celeryexporter.broker.ChannelMessage;
import io.celeryexporter.broker.Subscription;
import io.celeryexporter.tracking.PollClock;
import io.celeryexporter.web.ListenAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A rehearsal on a real broker, in real time: the traffic is published as real Celery messages into the queue,
 * the rehearsal's workers take them as workers do and hold each for its service time, the exporter's own poller
 * measures the queue, and the controller model acts on what it measured, through the same scrape and query as in
 * the simulation. Only the pods are modelled: their start-up, slots and CPU.
 *
 * <p>It writes only to the queue it is given, refuses one that holds tasks unless forced, and removes what it
 * published that is still queued when it ends (Ctrl-C ends it early, with the summary so far).
 */
public final class LiveRehearsal {

    /** How often a progress line is printed. */
    static final double PROGRESS_SECONDS = 5;

    /**
     * @param queue        the queue to publish into and measure
     * @param force        rehearse even if the queue holds tasks (they become part of the load)
     * @param pollInterval the exporter's poll interval
     * @param prometheus   a Prometheus that scrapes the rehearsal's exporter at {@code exporterListen}, to read the
     *                     queue through; null to read the exporter's poller directly
     * @param task         the task to publish
     * @param workers      real worker processes to run the tasks; null for modelled pods
     */
    public record Settings(BrokerSettings broker, KeyNaming naming, PrioritySteps steps, String queue, boolean force,
                           Duration pollInterval, String prometheus, ListenAddress exporterListen, TaskTemplate task,
                           WorkerCommand workers) {

        public Settings(BrokerSettings broker, KeyNaming naming, PrioritySteps steps, String queue, boolean force,
                        Duration pollInterval, String prometheus, ListenAddress exporterListen) {
            this(broker, naming, steps, queue, force, pollInterval, prometheus, exporterListen, TaskTemplate.MODELLED,
                    null);
        }
    }

    /**
     * A live rehearsal's outcome.
     *
     * @param workerBoots real workers' times from process start to first heartbeat; null with modelled pods
     */
    public record Result(Simulation.Rehearsal rehearsal, Boots workerBoots) {}

    private LiveRehearsal() {}

    /**
     * Runs it, and hands the result to {@code report} before it lets a Ctrl-C end the process, so the summary so far
     * is printed. Progress lines go to {@code progress}. Throws {@link BrokerException} if the broker fails.
     */
    public static void run(Settings settings, Simulation simulation, Autoscaler model, Traffic traffic, long seed,
                           PrintWriter progress, Consumer<Result> report) {
        ExporterConfig exporterConfig = new ExporterConfig(settings.naming(), settings.steps(),
                List.of(settings.queue()), settings.pollInterval(), Duration.ofSeconds(30));
        if (settings.workers() != null) {
            exporterConfig = exporterConfig.withWorkers(new WorkersConfig(true, WorkerGrouping.DEFAULT,
                    Duration.ofMillis((long) (settings.workers().terminationGrace() * 1000)),
                    Duration.ofMillis((long) (settings.workers().visibilityTimeout() * 1000)),
                    simulation.drainTime(), simulation.leadTime()));
        }
        try (UnifiedJedis writer = BrokerConnector.openClient(settings.broker());
             RedisBroker reader = BrokerConnector.connect(settings.broker());
             Poller poller = new Poller(reader, exporterConfig, new MessageDecoder(List.of()), new PollCounters(),
                     PollClock.system())) {
            LiveQueue queue = new LiveQueue(writer, settings.naming(), settings.steps(), settings.queue(),
                    settings.task());
            int waiting = queue.size();
            if (waiting > 0 && !settings.force()) {
                throw new IllegalArgumentException("queue '" + settings.queue() + "' holds " + waiting
                        + " tasks: a live rehearsal publishes into and consumes from it, so it wants an empty queue"
                        + " (or --force, to take those tasks as part of the load)");
            }
            LiveExporter exporter = new LiveExporter(poller, settings.queue(), settings.workers() != null);
            ExporterView view = exporter;
            Exporter served = null;
            if (settings.prometheus() != null) {
                PrometheusSamples prometheus = new PrometheusSamples(settings.prometheus());
                served = Exporter.start(BrokerConnector.connect(settings.broker()), "rehearsal", exporterConfig,
                        new MessageDecoder(List.of()), settings.exporterListen(), "rehearsal");
                progress.printf(Locale.ROOT, "serving the exporter on %s for Prometheus at %s to scrape%n",
                        served.address(), settings.prometheus());
                view = new PrometheusView(prometheus, settings.queue());
            }
            WallClockPace pace = new WallClockPace();
            Subscription<ChannelMessage> taskEvents = settings.workers() == null ? null
                    : reader.subscribeToPattern(TaskEventDecoder.channelPattern(settings.naming(),
                            settings.broker().url().database()), "task events", pace::elapsed);
            CeleryWorkers real = taskEvents == null ? null : new CeleryWorkers(settings.workers(), queue,
                    settings.queue(), exporter::last, () -> exporter.poll(0), taskEvents, pace::stopped,
                    new PodUids(seed));
            Workers workers = real != null ? real : simulation.modelledWorkers(seed);
            CountDownLatch finished = new CountDownLatch(1);
            Thread onInterrupt = new Thread(() -> {
                pace.stop();
                try {
                    finished.await(30, TimeUnit.SECONDS); // let the workers stop and the summary so far be printed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rehearse-stop");
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            try {
                Simulation.Rehearsal result = simulation.run(model, traffic, seed, queue,
                        withProgress(view, queue, real, pace, progress), pace, workers);
                if (real != null && !real.sawTaskEvents()) {
                    progress.println("the workers sent no task events (run them with -E): completed, lost,"
                            + " redelivered, run twice and the wait to start are unknown");
                }
                if (real != null && real.endsUnseen() > 0) {
                    progress.printf(Locale.ROOT, "%d tasks were running on workers killed at the grace period and"
                            + " were not seen to end: they count as lost, but a worker sends no task events once it"
                            + " has had SIGTERM, so some may have ended within the grace; run the workers with"
                            + " --loglevel INFO for the rehearsal to read their success lines%n", real.endsUnseen());
                }
                removeLeftovers(queue, progress);
                report.accept(new Result(result, real == null ? null : real.boots()));
            } finally {
                if (real != null) {
                    real.close();
                    taskEvents.close();
                    long unacked = queue.removeOwnUnacked();
                    if (unacked > 0) {
                        progress.printf(Locale.ROOT, "removed the %d tasks the rehearsal published that were still"
                                + " unacknowledged%n", unacked);
                    }
                    removeLeftovers(queue, progress);
                }
                if (served != null) {
                    served.close();
                }
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for us
                }
            }
        } catch (JedisException e) {
            throw new BrokerException(BrokerException.Kind.UNREACHABLE, "the broker failed during the live"
                    + " rehearsal: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serve the exporter on " + settings.exporterListen() + ": "
                    + e.getMessage());
        }
    }

    private static void removeLeftovers(LiveQueue queue, PrintWriter progress) {
        long removed = queue.removeOwnTasks();
        if (removed > 0) {
            progress.printf(Locale.ROOT, "removed the %d tasks the rehearsal published that were still queued%n",
                    removed);
        }
    }

    /** A progress line every few seconds, at the exporter's poll: what was published, taken and measured. */
    private static ExporterView withProgress(ExporterView exporter, LiveQueue queue, CeleryWorkers real,
                                             WallClockPace pace, PrintWriter progress) {
        double[] nextLine = {PROGRESS_SECONDS};
        return now -> {
            var values = exporter.poll(now);
            if (pace.elapsed() >= nextLine[0]) {
                String consumers = real == null ? queue.taken() + " taken"
                        : real.figures(now).readyReplicas() + " workers online";
                progress.printf(Locale.ROOT, "live t=%.0fs: %d published, %s, %.0f queued (exporter), oldest"
                                + " %.1f s%n", now, queue.published(), consumers,
                        values.getOrDefault(MetricsPipeline.LENGTH, Double.NaN),
                        values.getOrDefault(MetricsPipeline.OLDEST_AGE, Double.NaN));
                progress.flush();
                nextLine[0] += PROGRESS_SECONDS;
            }
            return values;
        };
    }
}
