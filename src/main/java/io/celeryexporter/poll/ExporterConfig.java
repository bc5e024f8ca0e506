package io.celeryexporter.poll;

import io.celeryexporter.celery.KeyNaming;
import io.celeryexporter.celery.PrioritySteps;
import io.celeryexporter.workers.WorkersConfig;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What to read and how often.
 *
 * @param naming             key prefix and priority separator
 * @param steps              the priority steps whose lists are read
 * @param queues             queues to export; empty means discover them from the binding sets
 * @param pollInterval       time between two polls
 * @param discoveryInterval  time between two reads of the binding sets
 * @param breakdown          per-task-name counts, or {@link TaskBreakdownConfig#OFF}
 * @param filter             which discovered queues to export ({@code --queue.include}, {@code --queue.exclude})
 * @param collectors         which optional metric families to serve ({@code --[no-]collector.NAME})
 * @param flows              where arrivals, departures and waits come from ({@code --flows})
 * @param workers            the worker side: heartbeats and what the workers hold
 * @param keepVanishedFor    how long a discovered queue whose binding vanished is still read ({@link QueueRetention})
 */
public record ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                             Duration discoveryInterval, TaskBreakdownConfig breakdown, QueueFilter filter,
                             Collectors collectors, Flows flows, WorkersConfig workers, Duration keepVanishedFor) {

    /** A day: across a night of no traffic, a queue scaled to zero keeps its metric. */
    public static final Duration KEEP_VANISHED_FOR = Duration.ofHours(24);

    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval, TaskBreakdownConfig breakdown, QueueFilter filter,
                          Collectors collectors, Flows flows, WorkersConfig workers) {
        this(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter, collectors, flows, workers,
                KEEP_VANISHED_FOR);
    }

    /** Where arrivals, departures and waits come from. */
    public enum Flows {
        /**
         * Keyspace notifications when the broker publishes list events; otherwise Celery task events for the queues
         * that have them; otherwise snapshots.
         */
        AUTO,
        /** Keyspace notifications, subscribed to whatever CONFIG GET says (for a server that hides its config). */
        KEYSPACE_EVENTS,
        /** Celery task events (task-sent, task-received) for the flows; snapshots for depth and ages. */
        CELERY_EVENTS,
        /** Polled snapshots only: tasks that come and go between two polls are not seen. */
        SNAPSHOTS
    }

    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval, TaskBreakdownConfig breakdown, QueueFilter filter,
                          Collectors collectors) {
        this(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter, collectors, Flows.SNAPSHOTS);
    }

    /** Without the worker side, as the queue-only tests read a broker. */
    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval, TaskBreakdownConfig breakdown, QueueFilter filter,
                          Collectors collectors, Flows flows) {
        this(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter, collectors, flows,
                WorkersConfig.OFF);
    }

    public ExporterConfig withFlows(Flows flows) {
        return new ExporterConfig(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter,
                collectors, flows, workers, keepVanishedFor);
    }

    public ExporterConfig withWorkers(WorkersConfig workers) {
        return new ExporterConfig(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter,
                collectors, flows, workers, keepVanishedFor);
    }

    public ExporterConfig withKeepVanishedFor(Duration keepVanishedFor) {
        return new ExporterConfig(naming, steps, queues, pollInterval, discoveryInterval, breakdown, filter,
                collectors, flows, workers, keepVanishedFor);
    }

    /**
     * Regexes over discovered queue names, matched against the whole name; an explicit {@code --queue} list is
     * taken as it is.
     */
    public record QueueFilter(Pattern include, Pattern exclude) {
        /** Every queue, whatever characters its name holds. */
        public static final QueueFilter ALL = new QueueFilter(null, null);

        /** @param include null for every queue; @param exclude null for none */
        public boolean accepts(String queue) {
            return (include == null || include.matcher(queue).matches())
                    && (exclude == null || !exclude.matcher(queue).matches());
        }
    }

    /**
     * The optional families, each switched as node_exporter's collectors are.
     *
     * @param waitHistogram {@code celery_queue_wait_seconds}: about 20 series per queue
     * @param byPriority    {@code celery_queue_length_by_priority}, for the priority steps a queue has used
     * @param jvm           the JVM's and the process's own {@code jvm_*} and {@code process_*} series
     */
    public record Collectors(boolean waitHistogram, boolean byPriority, boolean jvm) {
        public static final Collectors DEFAULT = new Collectors(true, true, true);
    }

    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval, TaskBreakdownConfig breakdown) {
        this(naming, steps, queues, pollInterval, discoveryInterval, breakdown, QueueFilter.ALL, Collectors.DEFAULT);
    }

    /**
     * @param enabled       keep exact counts of queued tasks per task name
     * @param maxNames      task names per exporter before the rest count as "other"
     * @param pagesPerPoll  budget of paged reads (1000 elements each) per poll for building the counts
     */
    public record TaskBreakdownConfig(boolean enabled, int maxNames, int pagesPerPoll) {
        public static final TaskBreakdownConfig OFF = new TaskBreakdownConfig(false, 0, 0);
    }

    public ExporterConfig(KeyNaming naming, PrioritySteps steps, List<String> queues, Duration pollInterval,
                          Duration discoveryInterval) {
        this(naming, steps, queues, pollInterval, discoveryInterval, TaskBreakdownConfig.OFF);
    }

    public ExporterConfig {
        queues = List.copyOf(queues);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive");
        }
        if (keepVanishedFor.isNegative()) {
            throw new IllegalArgumentException("the time to keep a vanished queue must not be negative");
        }
    }

    /** Queue figures older than this are withheld rather than served as if fresh. */
    public Duration staleAfter() {
        return pollInterval.multipliedBy(3);
    }
}
